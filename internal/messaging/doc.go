// Package messaging makes any eventstore.Store a watermill message.Publisher
// (NewPublisher) and message.Subscriber (NewSubscriber), so projections and
// process managers are ordinary watermill router handlers (NewRouter adds
// retry, poison queue, recoverer and Prometheus metrics).
//
// # Topics
//
//   - "$all": every event in global order, except the bridge's own streams
//     (SystemCategory: consumer-group checkpoints and the default poison topic)
//     and the workflow instances' streams (WorkflowCategory): see Internal.
//   - a stream category, a name without '-': "listing" is every stream "listing-*".
//   - a stream, a name with '-': "listing-<uuid>" is that stream only.
//
// Publish needs a stream topic; it appends the messages to that stream in one
// atomic append with expected version Any. Subscribe takes any topic.
//
// # Messages and events
//
// A message's UUID is the event id when it parses as a UUID, otherwise a
// UUIDv5 derived from it, so publishing the same message again writes nothing.
// Metadata key MetadataEventType is the event type (DefaultEventType if
// absent); MetadataCommandID, MetadataActor, MetadataCorrelationID and
// MetadataCausationID fill eventstore.Metadata. A message with only those keys
// and a JSON payload is stored exactly like a domain event. Other metadata keys,
// a non-JSON payload or a UUID that is not in canonical form are kept in an
// envelope in the event's data ({"$watermill": ...}), so every key and value
// comes back on delivery.
//
// A delivered message carries, besides the metadata above, where its event
// is stored: MetadataStream, MetadataVersion, MetadataPosition and
// MetadataRecorded. These keys are set by the bridge, never stored.
//
// # What handlers must do
//
// Delivery is at least once. A subscription hands out one message at a time
// in global order and sends the next only after the previous is acked; Nack
// redelivers the same message. A consumer group's position is written at most
// once per CheckpointInterval and when the subscription ends, so after a crash
// the messages acked since the last write come again, and a handler that fails
// after its side effects sees the message again. Handlers must therefore be
// idempotent: a projection stores Position(msg) in the same transaction as its
// rows and skips any message at or below it; a process manager derives the ids
// of the commands it sends from the event (its id or position), so the store's
// idempotent append absorbs the repeat.
//
// # Consumer groups
//
// A Subscriber with a ConsumerGroup resumes each topic after the group's last
// acked position, kept by a CheckpointStore (by default in the same event
// store, NewStoreCheckpoints; MemoryCheckpoints for tests). A new group, or a
// Subscriber without a group, reads the topic from the start. A group has one
// running subscription per topic: a second Subscribe of the same topic on the
// same Subscriber is refused with CodeGroupBusy until the first ends. Give
// each handler its own Subscriber and group; Subscribers of the same group in
// different processes are not coordinated and would each deliver every message.
//
// # One subscription for many consumers
//
// NewShared wraps a store so that every SubscribeAll joins one live
// subscription of it, fanned out to the consumers, each with its own
// position and filter: a consumer behind it catches up with paged reads, one
// that falls SharedBuffer events behind is let go to catch up the same way.
// Subscribers over a Shared store therefore share one subscription whatever
// their consumer groups and topics.
//
// # Errors
//
// Publish and Subscribe return a *kernel.Error with CodeInvalidTopic (field
// "topic") for a malformed topic or a publish to "$all" or a category,
// CodeGroupBusy as above, ErrClosed after Close, and the store's errors
// otherwise. Close closes every subscription's channel (unacked messages are
// abandoned and delivered again later), waits for the last checkpoint writes
// and returns their errors. Neither Close closes the store.
package messaging
