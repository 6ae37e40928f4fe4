package messaging

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// Message metadata keys that map to the event's own fields. Publish reads
// them; subscribed messages carry them (empty eventstore.Metadata fields are
// left out).
const (
	MetadataEventType     = "event_type" // the event type; DefaultEventType when a published message has none
	MetadataCommandID     = "command_id"
	MetadataActor         = "actor"
	MetadataCorrelationID = middleware.CorrelationIDMetadataKey // "correlation_id", as watermill's CorrelationID middleware
	MetadataCausationID   = "causation_id"
)

// Metadata keys describing where a subscribed message is stored. The bridge
// sets them on every message it delivers (overwriting any published values:
// they describe the record, not the message). Numbers are decimal, the time is
// RFC 3339 with nanoseconds in UTC.
const (
	MetadataStream   = "event_stream"   // the stream the event is in
	MetadataVersion  = "event_version"  // its 1-based version in that stream
	MetadataPosition = "event_position" // its global position in $all: checkpoint by this
	MetadataRecorded = "event_recorded" // when the store wrote it
)

// DefaultEventType is the event type of a published message without MetadataEventType.
const DefaultEventType = "messaging.Message.v1"

// uuidNamespace derives event ids from message UUIDs that are not UUIDs (and
// checkpoint stream names), so the same message always maps to the same id.
var uuidNamespace = uuid.MustParse("6b1e0c52-53d4-4c1f-9a55-2f0f3a8b7c41")

// envelopeKey starts the Data of an event that carries what eventstore.Metadata
// cannot hold. Domain events are plain JSON objects and never have this key.
const envelopeKey = `{"$watermill":`

// envelope keeps a published message whole when its payload is not JSON, its
// metadata has keys beyond the mapped ones, or its UUID is not a canonical UUID.
type envelope struct {
	UUID     string            `json:"uuid,omitempty"` // the message UUID when the event id is derived from it
	Metadata map[string]string `json:"metadata,omitempty"`
	Payload  []byte            `json:"payload"` // base64 in JSON
}

type envelopeDoc struct {
	Envelope envelope `json:"$watermill"`
}

// mappedKeys are metadata keys held by the event's own fields, or recomputed on delivery.
var mappedKeys = map[string]bool{
	MetadataEventType: true, MetadataCommandID: true, MetadataActor: true,
	MetadataCorrelationID: true, MetadataCausationID: true,
	MetadataStream: true, MetadataVersion: true, MetadataPosition: true, MetadataRecorded: true,
}

// eventID is the event id of a message: its UUID when it is one, otherwise a
// UUIDv5 derived from it, so republishing a message is idempotent.
func eventID(messageUUID string) uuid.UUID {
	if id, err := uuid.Parse(messageUUID); err == nil && id != uuid.Nil {
		return id
	}
	return uuid.NewSHA1(uuidNamespace, []byte(messageUUID))
}

// toEvent maps a message to the event Publish appends.
func toEvent(msg *message.Message) (eventstore.EventData, error) {
	md := msg.Metadata
	e := eventstore.EventData{
		ID:   eventID(msg.UUID),
		Type: md.Get(MetadataEventType),
		Data: msg.Payload,
		Metadata: eventstore.Metadata{
			CommandID:     md.Get(MetadataCommandID),
			Actor:         md.Get(MetadataActor),
			CorrelationID: md.Get(MetadataCorrelationID),
			CausationID:   md.Get(MetadataCausationID),
		},
	}
	if e.Type == "" {
		e.Type = DefaultEventType
	}
	env := envelope{Payload: msg.Payload}
	if e.ID.String() != msg.UUID {
		env.UUID = msg.UUID
	}
	for k, v := range md {
		if !mappedKeys[k] {
			if env.Metadata == nil {
				env.Metadata = map[string]string{}
			}
			env.Metadata[k] = v
		}
	}
	if env.UUID == "" && env.Metadata == nil && json.Valid(msg.Payload) && !bytes.HasPrefix(msg.Payload, []byte(envelopeKey)) {
		return e, nil
	}
	data, err := json.Marshal(envelopeDoc{env})
	if err != nil {
		return eventstore.EventData{}, fmt.Errorf("messaging: encode message %s: %w", msg.UUID, err)
	}
	e.Data = data
	return e, nil
}

// toMessage maps a recorded event to the message a subscriber delivers.
func toMessage(e eventstore.RecordedEvent) (*message.Message, error) {
	id, payload, md := e.ID.String(), e.Data, message.Metadata{}
	if bytes.HasPrefix(e.Data, []byte(envelopeKey)) {
		var doc envelopeDoc
		if err := json.Unmarshal(e.Data, &doc); err != nil {
			return nil, fmt.Errorf("messaging: decode event %s at position %d: %w", e.ID, e.Position, err)
		}
		if doc.Envelope.UUID != "" {
			id = doc.Envelope.UUID
		}
		payload = doc.Envelope.Payload
		maps.Copy(md, doc.Envelope.Metadata)
	}
	for k, v := range map[string]string{
		MetadataCommandID: e.Metadata.CommandID, MetadataActor: e.Metadata.Actor,
		MetadataCorrelationID: e.Metadata.CorrelationID, MetadataCausationID: e.Metadata.CausationID,
	} {
		if v != "" {
			md[k] = v
		}
	}
	md[MetadataEventType] = e.Type
	md[MetadataStream] = e.Stream
	md[MetadataVersion] = strconv.FormatUint(e.Version, 10)
	md[MetadataPosition] = strconv.FormatUint(e.Position, 10)
	md[MetadataRecorded] = e.Recorded.UTC().Format(time.RFC3339Nano)
	msg := message.NewMessage(id, payload)
	msg.Metadata = md
	return msg, nil
}

// Position returns the global position of a message delivered by a
// Subscriber (its MetadataPosition). Projections store it with their rows and
// skip messages at or below it.
func Position(msg *message.Message) (uint64, error) {
	p, err := strconv.ParseUint(msg.Metadata.Get(MetadataPosition), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("messaging: message %s has no %s: %w", msg.UUID, MetadataPosition, err)
	}
	return p, nil
}

// Record returns the stored event a subscribed message was made from: the
// inverse of delivery, for handlers (projections) that work on events rather
// than messages. It fails on a message that did not come from a Subscriber.
func Record(msg *message.Message) (eventstore.RecordedEvent, error) {
	md := msg.Metadata
	pos, err := Position(msg)
	if err != nil {
		return eventstore.RecordedEvent{}, err
	}
	version, err := strconv.ParseUint(md.Get(MetadataVersion), 10, 64)
	if err != nil {
		return eventstore.RecordedEvent{}, fmt.Errorf("messaging: message %s has no %s: %w", msg.UUID, MetadataVersion, err)
	}
	recorded, err := time.Parse(time.RFC3339Nano, md.Get(MetadataRecorded))
	if err != nil {
		return eventstore.RecordedEvent{}, fmt.Errorf("messaging: message %s has no %s: %w", msg.UUID, MetadataRecorded, err)
	}
	return eventstore.RecordedEvent{
		ID:       eventID(msg.UUID),
		Stream:   md.Get(MetadataStream),
		Version:  version,
		Position: pos,
		Type:     md.Get(MetadataEventType),
		Data:     msg.Payload,
		Metadata: eventstore.Metadata{
			CommandID:     md.Get(MetadataCommandID),
			Actor:         md.Get(MetadataActor),
			CorrelationID: md.Get(MetadataCorrelationID),
			CausationID:   md.Get(MetadataCausationID),
		},
		Recorded: recorded.UTC(),
	}, nil
}
