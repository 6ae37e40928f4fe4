package process

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/process/workflow"
)

// TestEveryFlowNamesTheEventsItActsOn hands every flow an event of each type
// no flow names as a trigger, with no App behind it: a flow that routes one
// of them to an instance would read its stream, so a type missing from its
// list panics or errs here instead of being skipped unseen in production.
func TestEveryFlowNamesTheEventsItActsOn(t *testing.T) {
	reg := app.Registry()
	ignored := ignoredTypes(reg, flows)
	if len(ignored) == 0 || ignored[listing.PaymentConfirmed{}.EventType()] || !ignored[listing.BidPlaced{}.EventType()] {
		t.Fatalf("ignored types %v: want bids among them and paid listings not", ignored)
	}
	for typ := range ignored {
		e, err := reg.Decode(typ, []byte("{}"))
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range flows {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("flow %d acts on %s, which it does not list: %v", i, typ, r)
					}
				}()
				tr := trigger{Trigger: workflow.Trigger{ID: uuid.New(), Stream: "x-" + uuid.NewString(), Position: 1, Event: e}}
				if err := f.handle(context.Background(), nil, tr); err != nil {
					t.Errorf("flow %d on %s: %v", i, typ, err)
				}
			}()
		}
	}
}

// TestTheWorkflowsDoNotDecodeEventsNoFlowActsOn stores a bid and a paid
// listing whose JSON cannot be decoded: the workflows log the paid listing
// as undecodable and never look at the bid.
func TestTheWorkflowsDoNotDecodeEventsNoFlowActsOn(t *testing.T) {
	e := newEnv(t)
	for _, typ := range []string{listing.BidPlaced{}.EventType(), listing.PaymentConfirmed{}.EventType()} {
		if _, err := e.store.Append(e.ctx, "listing-"+uuid.NewString(), eventstore.Any,
			eventstore.EventData{ID: uuid.New(), Type: typ, Data: []byte("not json")}); err != nil {
			t.Fatal(err)
		}
	}
	e.startManagers()
	e.settle()
	logs := e.logs.String()
	for _, want := range []struct {
		typ     string
		decoded bool
	}{{listing.BidPlaced{}.EventType(), false}, {listing.PaymentConfirmed{}.EventType(), true}} {
		if got := strings.Contains(logs, "decode "+want.typ); got != want.decoded {
			t.Errorf("%s decoded (logged as undecodable): %v, want %v\n%s", want.typ, got, want.decoded, logs)
		}
	}
}

// BenchmarkWorkflowsOverBids runs the workflows over stored bids, the
// commonest event under load and one no workflow acts on, and reports the
// events handled per second.
// go test -run X -bench WorkflowsOverBids -benchtime 1x ./internal/process/
func BenchmarkWorkflowsOverBids(b *testing.B) {
	const bids = 20_000
	for b.Loop() {
		b.StopTimer()
		e := newEnv(b)
		id := uuid.New()
		for i := range bids {
			typ, data, err := e.app.Events.Encode(listing.BidPlaced{ListingID: id, BidderID: uuid.New(), BidderNumber: 1 + i%64,
				Amount: kernel.Yuan(100_000 + int64(i)), Seq: i + 1, At: t0})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := e.store.Append(e.ctx, "listing-"+id.String(), eventstore.Any, eventstore.EventData{ID: uuid.New(), Type: typ, Data: data}); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		e.startManagers()
		e.settle()
	}
	b.ReportMetric(float64(bids*b.N)/b.Elapsed().Seconds(), "events/s")
}
