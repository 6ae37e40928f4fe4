// Package lease elects the one active worker of a deployment. Every
// `serve --worker` process competes for the lease; the holder runs the
// projections, the workflows and the scheduler, the others serve the
// API and stand by. The lease is a PostgreSQL session-level advisory lock,
// held on a connection of its own: PostgreSQL releases it when that session
// ends, which it notices at once when the holder's process dies (the kernel
// closes the socket) and within the TCP keepalive time when the network
// between them fails. A standby tries every Poll, so it takes over within
// Poll of the holder's end.
package lease

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// Postgres is a lease kept as an advisory lock in a PostgreSQL database.
type Postgres struct {
	// URL is the PostgreSQL connection string.
	URL string
	// Name identifies the lease: processes with the same name (and database) compete.
	Name string
	// Poll is how often a standby tries to take the lease and the holder
	// checks it still has it (500 ms when 0).
	Poll time.Duration
	// Log receives acquisitions and losses; nil discards.
	Log *slog.Logger
}

// ErrLost is the cause of a held context that ended because the lease was lost.
var ErrLost = errors.New("lease: lost")

// ApplicationName is the application_name of the lease's PostgreSQL
// session, by which an operator finds the holder in pg_stat_activity.
func ApplicationName(name string) string { return "nongjiao lease " + name }

// key is the advisory lock's key, derived from the name.
func (l *Postgres) key() int64 {
	h := fnv.New64a()
	h.Write([]byte("nongjiao lease/" + l.Name))
	return int64(h.Sum64())
}

func (l *Postgres) poll() time.Duration {
	if l.Poll <= 0 {
		return 500 * time.Millisecond
	}
	return l.Poll
}

func (l *Postgres) log() *slog.Logger {
	if l.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l.Log
}

// Acquire blocks until this process holds the lease, or ctx ends (then it
// returns ctx's error). The context it returns ends, with cause ErrLost,
// when the lease is lost (the lock's connection fails), or when ctx ends;
// release gives the lease up for another process to take.
func (l *Postgres) Acquire(ctx context.Context) (held context.Context, release func(), err error) {
	cfg, err := pgx.ParseConfig(l.URL)
	if err != nil {
		return nil, nil, fmt.Errorf("lease: %w", err)
	}
	cfg.RuntimeParams["application_name"] = ApplicationName(l.Name)
	key := l.key()
	t := time.NewTicker(l.poll())
	defer t.Stop()
	var conn *pgx.Conn
	for {
		if conn == nil {
			if conn, err = pgx.ConnectConfig(ctx, cfg); err != nil {
				conn = nil
				l.log().Warn("lease: cannot reach PostgreSQL; retrying", "lease", l.Name, "err", err)
			}
		}
		if conn != nil {
			var got bool
			if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&got); err != nil {
				conn.Close(context.Background())
				conn = nil
				l.log().Warn("lease: trying to take it failed; retrying", "lease", l.Name, "err", err)
			} else if got {
				break
			}
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			if conn != nil {
				conn.Close(context.Background())
			}
			return nil, nil, ctx.Err()
		}
	}
	l.log().Info("lease acquired: this process is the active worker", "lease", l.Name)
	held, lose := context.WithCancelCause(ctx)
	stopped := make(chan struct{})
	go func() { // the holder checks its session is still there
		defer close(stopped)
		check := time.NewTicker(l.poll())
		defer check.Stop()
		for {
			select {
			case <-check.C:
			case <-held.Done():
				return
			}
			ping, cancel := context.WithTimeout(held, l.poll()*4)
			err := conn.Ping(ping)
			cancel()
			if err != nil && held.Err() == nil {
				l.log().Error("lease lost: its PostgreSQL session failed", "lease", l.Name, "err", err)
				lose(fmt.Errorf("%w: %v", ErrLost, err))
				return
			}
		}
	}()
	release = func() {
		lose(context.Canceled)
		<-stopped
		// Closing the session releases the lock, whatever state the connection is in.
		conn.Close(context.Background())
	}
	return held, release, nil
}
