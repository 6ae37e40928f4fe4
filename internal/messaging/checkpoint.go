package messaging

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// CheckpointStore keeps, per consumer group and topic, the global position of
// the last message the group acknowledged. Implementations are safe for
// concurrent use.
type CheckpointStore interface {
	// Load returns the stored position, or 0 when the group has none for the
	// topic (it then reads the topic from the start).
	Load(ctx context.Context, group, topic string) (uint64, error)
	// Save stores position as the group's checkpoint for the topic once it is durable.
	Save(ctx context.Context, group, topic string, position uint64) error
}

// CheckpointStoredType is the event type of a checkpoint in an event store.
const CheckpointStoredType = "messaging.CheckpointStored.v1"

// StoreCheckpoints keeps checkpoints in an event store, one stream per group
// and topic in SystemCategory, so they are as durable as the events they
// point into and need no second database. Each Save appends one event; the
// Subscriber saves at most once per CheckpointInterval.
type StoreCheckpoints struct {
	store eventstore.Store
}

var _ CheckpointStore = (*StoreCheckpoints)(nil)

// NewStoreCheckpoints returns a CheckpointStore kept in store.
func NewStoreCheckpoints(store eventstore.Store) *StoreCheckpoints {
	return &StoreCheckpoints{store: store}
}

type checkpointStored struct {
	Group    string `json:"group"`
	Topic    string `json:"topic"`
	Position uint64 `json:"position"`
}

// CheckpointStream returns the stream holding a group's checkpoints for topic:
// "watermill-checkpoint-<uuid>", the uuid derived from group and topic.
func CheckpointStream(group, topic string) string {
	return SystemCategory + "-checkpoint-" + uuid.NewSHA1(uuidNamespace, []byte(group+"\x00"+topic)).String()
}

// Load implements CheckpointStore: it reads the stream's last event.
func (c *StoreCheckpoints) Load(ctx context.Context, group, topic string) (uint64, error) {
	stream := CheckpointStream(group, topic)
	last, err := c.store.ReadStream(ctx, stream, eventstore.Backwards, 0, 1)
	if err != nil {
		return 0, fmt.Errorf("messaging: load checkpoint of group %q, topic %q: %w", group, topic, err)
	}
	if len(last) == 0 {
		return 0, nil
	}
	var cp checkpointStored
	if err := json.Unmarshal(last[0].Data, &cp); err != nil {
		return 0, fmt.Errorf("messaging: decode checkpoint %s in %s: %w", last[0].ID, stream, err)
	}
	return cp.Position, nil
}

// Save implements CheckpointStore. The event id is derived from the position,
// so a retried Save does not write twice.
func (c *StoreCheckpoints) Save(ctx context.Context, group, topic string, position uint64) error {
	stream := CheckpointStream(group, topic)
	data, err := json.Marshal(checkpointStored{Group: group, Topic: topic, Position: position})
	if err != nil {
		return err
	}
	_, err = c.store.Append(ctx, stream, eventstore.Any, eventstore.EventData{
		ID:   uuid.NewSHA1(uuidNamespace, []byte(stream+"@"+strconv.FormatUint(position, 10))),
		Type: CheckpointStoredType,
		Data: data,
	})
	if err != nil {
		return fmt.Errorf("messaging: save checkpoint of group %q, topic %q: %w", group, topic, err)
	}
	return nil
}

// MemoryCheckpoints keeps checkpoints in memory, for tests. The zero value is
// ready to use.
type MemoryCheckpoints struct {
	mu sync.Mutex
	m  map[[2]string]uint64
}

var _ CheckpointStore = (*MemoryCheckpoints)(nil)

// Load implements CheckpointStore.
func (c *MemoryCheckpoints) Load(_ context.Context, group, topic string) (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[[2]string{group, topic}], nil
}

// Save implements CheckpointStore.
func (c *MemoryCheckpoints) Save(_ context.Context, group, topic string, position uint64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[[2]string]uint64{}
	}
	c.m[[2]string{group, topic}] = position
	return nil
}
