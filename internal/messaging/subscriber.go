package messaging

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// DefaultCheckpointInterval is how often, at most, a consumer group's
// checkpoint is written while messages are being acknowledged.
const DefaultCheckpointInterval = time.Second

// flushTimeout bounds the last checkpoint write of a subscription that ends.
const flushTimeout = 10 * time.Second

// SubscriberConfig configures a Subscriber. The zero value subscribes without
// a consumer group.
type SubscriberConfig struct {
	// ConsumerGroup names the group whose progress is checkpointed. Empty: no
	// group, every Subscribe reads its topic from the start and nothing is
	// checkpointed (a catch-up reader).
	ConsumerGroup string
	// Checkpoints keeps the group's checkpoints; nil keeps them in the
	// subscriber's own event store (NewStoreCheckpoints).
	Checkpoints CheckpointStore
	// CheckpointInterval is the longest time acknowledged progress waits
	// before it is written; 0 means DefaultCheckpointInterval. Progress is
	// also written when a subscription ends, so only a crash redelivers.
	CheckpointInterval time.Duration
	// Logger receives delivery and checkpoint errors; nil discards them.
	Logger watermill.LoggerAdapter
	// Skip, when set, names the event types the group does not handle: a
	// subscription acknowledges them without making them messages, and tells
	// a Checkpoints that wants to know (Idle.Checkpoints) that the group is
	// past them.
	Skip func(eventType string) bool
}

// skipObserver is a CheckpointStore that is told of every event a group's
// subscription skips (SubscriberConfig.Skip), as if the group had handled it.
type skipObserver interface {
	skipped(group, topic string, pos uint64)
}

// Subscriber is a watermill message.Subscriber over an eventstore.Store.
// Each subscription delivers one message at a time, in global order, and
// sends the next only after the previous is acknowledged; a Nack redelivers
// the same message. Create it with NewSubscriber.
type Subscriber struct {
	store  eventstore.Store
	cfg    SubscriberConfig
	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc

	mu     sync.Mutex
	closed bool
	active map[string]bool // topics with a running subscription of the group
	errs   []error         // checkpoint flushes that failed
	wg     sync.WaitGroup

	closing  sync.Once // the one shutdown every Close waits for
	closeErr error     // what it reported
}

var _ message.Subscriber = (*Subscriber)(nil)

// NewSubscriber returns a Subscriber reading store. Closing the Subscriber
// does not close the store.
func NewSubscriber(store eventstore.Store, cfg SubscriberConfig) *Subscriber {
	if cfg.ConsumerGroup != "" && cfg.Checkpoints == nil {
		cfg.Checkpoints = NewStoreCheckpoints(store)
	}
	if cfg.CheckpointInterval <= 0 {
		cfg.CheckpointInterval = DefaultCheckpointInterval
	}
	if cfg.Logger == nil {
		cfg.Logger = watermill.NopLogger{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Subscriber{store: store, cfg: cfg, ctx: ctx, cancel: cancel, active: map[string]bool{}}
}

// Subscribe implements message.Subscriber. The topic is "$all", a stream
// category or a stream name (see the package documentation). With a consumer
// group it resumes after the group's checkpoint, and a second subscription
// of the same group and topic while the first runs is refused with
// CodeGroupBusy. The channel closes when ctx is done or the Subscriber is
// closed, after the last checkpoint is written.
func (s *Subscriber) Subscribe(ctx context.Context, topicName string) (<-chan *message.Message, error) {
	t, err := parseTopic(topicName)
	if err != nil {
		return nil, err
	}
	group := s.cfg.ConsumerGroup
	s.mu.Lock()
	switch {
	case s.closed:
		s.mu.Unlock()
		return nil, ErrClosed
	case group != "" && s.active[topicName]:
		s.mu.Unlock()
		return nil, kernel.Errorf(CodeGroupBusy, "consumer group %q already has a subscription to %q", group, topicName)
	}
	if group != "" {
		s.active[topicName] = true
	}
	s.wg.Add(1)
	s.mu.Unlock()

	out, err := s.start(ctx, t)
	if err != nil {
		s.release(topicName, nil)
		s.wg.Done()
		return nil, err
	}
	return out, nil
}

// start opens the store subscription after the group's checkpoint and runs the delivery loop.
func (s *Subscriber) start(ctx context.Context, t topic) (<-chan *message.Message, error) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.ctx, cancel)
	var cp *checkpointer
	after := uint64(0)
	if s.cfg.ConsumerGroup != "" {
		var err error
		if after, err = s.cfg.Checkpoints.Load(ctx, s.cfg.ConsumerGroup, t.name); err != nil {
			stop()
			cancel()
			return nil, err
		}
		cp = newCheckpointer(s.cfg.Checkpoints, s.cfg.ConsumerGroup, t.name, after)
	}
	sub, err := s.store.SubscribeAll(ctx, after, t.filter)
	if err != nil {
		stop()
		cancel()
		return nil, err
	}
	out := make(chan *message.Message)
	go func() {
		defer func() {
			_ = sub.Close()
			stop()
			cancel()
			var err error
			if cp != nil {
				err = cp.stop()
			}
			s.release(t.name, err)
			close(out)
			s.wg.Done()
		}()
		if cp != nil {
			go cp.run(ctx, s.cfg.CheckpointInterval, s.cfg.Logger)
		}
		s.deliver(ctx, t, sub, out, cp)
	}()
	return out, nil
}

// release frees the group's topic for a new subscription and records the
// subscription's last checkpoint error.
func (s *Subscriber) release(topicName string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cfg.ConsumerGroup != "" {
		delete(s.active, topicName)
	}
	if err != nil {
		s.cfg.Logger.Error("Checkpoint not saved", err, watermill.LogFields{"topic": topicName, "group": s.cfg.ConsumerGroup})
		s.errs = append(s.errs, err)
	}
}

// deliver sends the subscription's events to out one by one until ctx ends.
func (s *Subscriber) deliver(ctx context.Context, t topic, sub eventstore.Subscription, out chan<- *message.Message, cp *checkpointer) {
	observer, _ := s.cfg.Checkpoints.(skipObserver)
	for {
		e, err := sub.Next(ctx)
		if err != nil {
			if ctx.Err() == nil {
				s.cfg.Logger.Error("Subscription ended", err, watermill.LogFields{"topic": t.name})
			}
			return
		}
		if !t.selects(e.Stream) {
			continue
		}
		if s.cfg.Skip != nil && s.cfg.Skip(e.Type) {
			if cp != nil {
				cp.ack(e.Position)
				if observer != nil {
					observer.skipped(s.cfg.ConsumerGroup, t.name, e.Position)
				}
			}
			continue
		}
		for acked := false; !acked; {
			msg, err := toMessage(e)
			if err != nil {
				// A record the bridge cannot decode would block the group
				// forever; end the subscription loudly instead of skipping it.
				s.cfg.Logger.Error("Undecodable event", err, watermill.LogFields{"topic": t.name, "position": e.Position})
				return
			}
			acked, err = s.deliverOnce(ctx, msg, out)
			if acked && cp != nil {
				cp.ack(e.Position)
			}
			if err != nil {
				return
			}
		}
	}
}

// deliverOnce hands msg to out and waits for its Ack (true) or Nack (false).
// It returns ctx's error when the subscription ends first; a message acked
// just before that still counts.
func (s *Subscriber) deliverOnce(ctx context.Context, msg *message.Message, out chan<- *message.Message) (bool, error) {
	msgCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	msg.SetContext(msgCtx)
	select {
	case out <- msg:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	select {
	case <-msg.Acked():
		return true, nil
	case <-msg.Nacked():
		return false, nil
	case <-ctx.Done():
		select {
		case <-msg.Acked():
			return true, ctx.Err()
		default:
			return false, ctx.Err()
		}
	}
}

// Close implements message.Subscriber: it ends every subscription, closing
// their channels without waiting for unacknowledged messages, writes their
// last checkpoints and returns once all are done. Messages delivered but
// not acknowledged are delivered again to the group's next subscription.
// A Close called while another runs waits for it, and every Close reports
// the same: whoever closes the store after Close returns never races the
// last checkpoints.
func (s *Subscriber) Close() error {
	s.closing.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		s.cancel()
		s.wg.Wait()
		s.mu.Lock()
		defer s.mu.Unlock()
		s.closeErr = errors.Join(s.errs...)
	})
	return s.closeErr
}

// checkpointer writes a subscription's acknowledged position at most once
// per interval, off the delivery path, and once more when it stops.
type checkpointer struct {
	store        CheckpointStore
	group, topic string
	kick         chan struct{} // buffered 1: there is progress to write
	stopped      chan struct{} // closed when run returns

	mu    sync.Mutex // guards acked
	acked uint64

	saveMu sync.Mutex // serialises writes, so an older position never overwrites a newer one
	saved  uint64
}

func newCheckpointer(store CheckpointStore, group, topic string, position uint64) *checkpointer {
	return &checkpointer{store: store, group: group, topic: topic, acked: position, saved: position,
		kick: make(chan struct{}, 1), stopped: make(chan struct{})}
}

// ack records position as acknowledged; it never waits for a write.
func (c *checkpointer) ack(position uint64) {
	c.mu.Lock()
	c.acked = position
	c.mu.Unlock()
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// run writes progress until ctx ends, waiting interval after each write.
func (c *checkpointer) run(ctx context.Context, interval time.Duration, logger watermill.LoggerAdapter) {
	defer close(c.stopped)
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.kick:
		}
		if err := c.save(ctx); err != nil && ctx.Err() == nil {
			logger.Error("Checkpoint not saved, will retry", err, watermill.LogFields{"topic": c.topic, "group": c.group})
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

// stop waits for run to return (its ctx must be done) and writes the last progress.
func (c *checkpointer) stop() error {
	<-c.stopped
	ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
	defer cancel()
	return c.save(ctx)
}

// save writes the acknowledged position if it moved since the last write.
func (c *checkpointer) save(ctx context.Context) error {
	c.saveMu.Lock()
	defer c.saveMu.Unlock()
	c.mu.Lock()
	position := c.acked
	c.mu.Unlock()
	if position == c.saved {
		return nil
	}
	if err := c.store.Save(ctx, c.group, c.topic, position); err != nil {
		return err
	}
	c.saved = position
	return nil
}
