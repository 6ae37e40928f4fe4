// Package changes tells a cache of read-model query results which changes
// make a result stale, at the grain of what the query read (a listing, a
// board's membership, a table) instead of the read models' global position.
//
// Three parties meet here:
//   - a projection names what each event changes with Changed, under the
//     context the projector applies the event with;
//   - the projector records those keys in a Log, numbering its commits,
//     after each commit and before its position moves past it;
//   - a query function names what it reads with Depend before reading.
//
// The cache notes Log.Now, runs a computation under Track and later asks the
// Log whether anything its Reads depend on changed since (Log.Fresh). Any
// read-model read made under Track that no Depend covers (readmodel.DB
// reports each read with Read) makes the result depend on everything: a query
// function that does not name its keys is cached only until the next commit
// of any kind, as if keyed by the position. So a key must cover every row
// the function's result depends on, including rows it did not return because
// they did not match (a page's membership).
package changes

import (
	"context"
	"sync"
)

// Key names something a query can read and an event can change: a listing's
// rows, a board's membership and order, a table. A projection and the query
// functions over its tables agree on their keys.
type Key string

// Reads records what one computation read. It is safe for concurrent use
// (resolvers of one request may run in parallel).
type Reads struct {
	mu   sync.Mutex
	keys map[Key]struct{}
	all  bool // a read no Depend covered: the result depends on everything
}

type readsKey struct{}

// coveredKey marks a context whose reads a Depend has named.
type coveredKey struct{}

// Track returns ctx carrying a new Reads that records the reads made under it.
func Track(ctx context.Context) (context.Context, *Reads) {
	r := &Reads{keys: map[Key]struct{}{}}
	return context.WithValue(ctx, readsKey{}, r), r
}

// Depend records that what is read under the returned context depends on
// keys only, and marks it so that Read does not count its reads as
// undeclared. Without Track it returns ctx unchanged.
func Depend(ctx context.Context, keys ...Key) context.Context {
	r, ok := ctx.Value(readsKey{}).(*Reads)
	if !ok {
		return ctx
	}
	r.mu.Lock()
	for _, k := range keys {
		r.keys[k] = struct{}{}
	}
	r.mu.Unlock()
	return context.WithValue(ctx, coveredKey{}, true)
}

// Read is called by the read-model database before each query: a read under
// Track that no Depend covers makes the result depend on every change.
func Read(ctx context.Context) {
	r, ok := ctx.Value(readsKey{}).(*Reads)
	if !ok || ctx.Value(coveredKey{}) != nil {
		return
	}
	r.mu.Lock()
	r.all = true
	r.mu.Unlock()
}

// Set collects the keys one projector transaction changes. It is not safe
// for concurrent use: a transaction applies its events in order.
type Set struct {
	keys map[Key]struct{}
}

type setKey struct{}

// Collect returns ctx carrying a new Set for a projector transaction.
func Collect(ctx context.Context) (context.Context, *Set) {
	s := &Set{keys: map[Key]struct{}{}}
	return context.WithValue(ctx, setKey{}, s), s
}

// Changed records, in the Set of ctx, that the event being applied changes
// keys. Projections whose queries Depend on keys call it for every event
// that changes their rows; without Collect it does nothing.
func Changed(ctx context.Context, keys ...Key) {
	s, ok := ctx.Value(setKey{}).(*Set)
	if !ok {
		return
	}
	for _, k := range keys {
		s.keys[k] = struct{}{}
	}
}

// Log numbers the read models' commits and keeps, for each key, the number
// of the last commit that changed it. It is bounded in keys: past its bound
// it forgets them all and treats every result computed before that moment as
// stale. It is safe for concurrent use.
type Log struct {
	max int

	mu    sync.Mutex
	now   uint64         // the number of the last commit recorded
	floor uint64         // results computed before this commit are stale
	last  map[Key]uint64 // key → number of its last change, above floor
}

// NewLog returns a Log remembering up to max keys.
func NewLog(max int) *Log { return &Log{max: max, last: map[Key]uint64{}} }

// Now returns the number of the last commit recorded. A cache reads it
// before computing a result and later passes it to Fresh.
func (l *Log) Now() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.now
}

// Record notes a commit that changed the keys in s (possibly none: every
// commit is a change for a result that depends on everything). Call it
// after the commit and before the read models' position moves past it, so
// that a reader waiting for that position finds it recorded.
func (l *Log) Record(s *Set) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.now++
	if len(l.last)+len(s.keys) > l.max {
		l.last, l.floor = map[Key]uint64{}, l.now
		return
	}
	for k := range s.keys {
		l.last[k] = l.now
	}
}

// Everything notes a commit that may have changed anything (a rebuild, or
// checkpoints another process committed): every result computed before it
// is stale.
func (l *Log) Everything() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.now++
	l.last, l.floor = map[Key]uint64{}, l.now
}

// Fresh reports whether a result computed under Track with r, started when
// Now returned since, is still what the same computation would return: no
// commit recorded after since changed what it read.
func (l *Log) Fresh(r *Reads, since uint64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	if since < l.floor || (r.all && since < l.now) {
		return false
	}
	for k := range r.keys {
		if l.last[k] > since {
			return false
		}
	}
	return true
}
