package messaging

import (
	"context"
	"strings"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// SystemCategory is the stream category the bridge keeps for itself:
// consumer-group checkpoints ("watermill-checkpoint-<uuid>") and, by default,
// the poison queue (PoisonTopic). The "$all" topic never delivers these
// streams; subscribe to the category or to one of its streams by name to read them.
const SystemCategory = "watermill"

// WorkflowCategory is the stream category of workflow instances (package
// process): "workflow-<name>-<instance>", each instance's record of the
// triggers it handled and the commands it sent. They are the workflows' own
// bookkeeping, not facts of the exchange, so "$all" never delivers them
// either: no read model and no live feed sees them.
const WorkflowCategory = "workflow"

// Internal reports whether stream is one "$all" leaves out: the bridge's
// own (SystemCategory) or a workflow instance's (WorkflowCategory).
func Internal(stream string) bool {
	return strings.HasPrefix(stream, SystemCategory+"-") || strings.HasPrefix(stream, WorkflowCategory+"-")
}

// PoisonTopic is the default topic (a stream of SystemCategory) that NewRouter
// sends messages to when their handler keeps failing.
const PoisonTopic = SystemCategory + "-poison"

// topic is a parsed topic name: what a subscription to it selects and, for a
// stream topic, where a publish to it appends.
type topic struct {
	name   string
	filter eventstore.Filter
	stream string // set for an exact stream topic
	all    bool
}

// parseTopic reads a topic name:
//   - "$all" selects every event except those of Internal streams;
//   - a name without '-' is a stream category: "listing" selects "listing-*";
//   - a name with '-' is one stream, selected by its exact name.
func parseTopic(name string) (topic, error) {
	switch {
	case name == eventstore.AllStream:
		return topic{name: name, all: true}, nil
	case name == "" || strings.HasPrefix(name, "$"):
		return topic{}, kernel.FieldErrorf(CodeInvalidTopic, "topic", "topic %q is neither %q, a stream category nor a stream name", name, eventstore.AllStream)
	case !strings.Contains(name, "-"):
		return topic{name: name, filter: eventstore.Filter{StreamPrefixes: []string{name + "-"}}}, nil
	default:
		return topic{name: name, stream: name, filter: eventstore.Filter{StreamPrefixes: []string{name}}}, nil
	}
}

// selects reports whether an event of stream belongs to the topic. The store's
// prefix filter has already run; this narrows a stream topic to its exact name
// ("a-1" is a prefix of "a-10") and keeps system streams out of "$all".
func (t topic) selects(stream string) bool {
	switch {
	case t.all:
		return !Internal(stream)
	case t.stream != "":
		return stream == t.stream
	default:
		return true
	}
}

// ReadTopic reads stored events as a subscription to topicName delivers
// them, without a consumer group and without waiting for new ones: up to max
// events with Position > after, in order, the same selection as Subscribe.
// No events means the end of the store. A rebuild reads with it so that it
// sees exactly what a live handler of the same topic saw.
func ReadTopic(ctx context.Context, store eventstore.Store, topicName string, after uint64, max int) ([]eventstore.RecordedEvent, error) {
	t, err := parseTopic(topicName)
	if err != nil {
		return nil, err
	}
	for {
		recs, err := store.ReadAll(ctx, after, max)
		if err != nil || len(recs) == 0 {
			return nil, err
		}
		var out []eventstore.RecordedEvent
		for _, e := range recs {
			if t.filter.Match(e.Stream, e.Type) && t.selects(e.Stream) {
				out = append(out, e)
			}
		}
		if len(out) > 0 {
			return out, nil
		}
		after = recs[len(recs)-1].Position // a page of events the topic leaves out
	}
}
