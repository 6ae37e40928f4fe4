package messaging

import (
	"context"
	"errors"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Error codes of the bridge (kernel.Error codes).
const (
	// CodeInvalidTopic: the topic is malformed, or a publish names "$all" or
	// a category instead of one stream. Field is "topic".
	CodeInvalidTopic = "INVALID_TOPIC"
	// CodeGroupBusy: the Subscriber's consumer group already has a running
	// subscription to the topic.
	CodeGroupBusy = "CONSUMER_GROUP_BUSY"
)

// ErrClosed is returned by Publish and Subscribe after Close.
var ErrClosed = errors.New("messaging: closed")

// Publisher is a watermill message.Publisher over an eventstore.Store.
// Create it with NewPublisher.
type Publisher struct {
	store eventstore.Store

	mu       sync.RWMutex // held for reading by every Publish, for writing by Close
	isClosed bool
}

var _ message.Publisher = (*Publisher)(nil)

// NewPublisher returns a Publisher appending to store. Closing the Publisher
// does not close the store.
func NewPublisher(store eventstore.Store) *Publisher {
	return &Publisher{store: store}
}

// Publish implements message.Publisher: it appends msgs, in order and
// atomically, to the stream the topic names, with expected version Any, and
// returns once the store has made them durable. The topic must be one stream
// ("<category>-<id>"); "$all" and categories are refused with
// CodeInvalidTopic. A message whose UUID is already stored in the stream is
// not written again (see the package documentation for the mapping).
func (p *Publisher) Publish(topicName string, msgs ...*message.Message) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.isClosed {
		return ErrClosed
	}
	t, err := parseTopic(topicName)
	if err != nil {
		return err
	}
	if t.stream == "" {
		return kernel.FieldErrorf(CodeInvalidTopic, "topic", "publish needs a stream name, %q is not one", topicName)
	}
	if len(msgs) == 0 {
		return nil
	}
	events := make([]eventstore.EventData, len(msgs))
	for i, msg := range msgs {
		if events[i], err = toEvent(msg); err != nil {
			return err
		}
	}
	_, err = p.store.Append(context.Background(), t.stream, eventstore.Any, events...)
	return err
}

// Close implements message.Publisher: it waits for running publishes and
// refuses new ones.
func (p *Publisher) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.isClosed = true
	return nil
}
