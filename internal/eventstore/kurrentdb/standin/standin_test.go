package standin_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/nongjiao/nongjiao/internal/eventstore/kurrentdb/standin"
)

// These tests speak the protocol directly, below the esdb client, to pin the
// KurrentDB behaviour the adapter relies on.

func client(t *testing.T) api.StreamsClient {
	t.Helper()
	srv, err := standin.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	conn, err := grpc.NewClient(srv.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return api.NewStreamsClient(conn)
}

func empty() *shared.Empty { return &shared.Empty{} }

func message(id uuid.UUID, typ string) *api.AppendReq {
	return &api.AppendReq{Content: &api.AppendReq_ProposedMessage_{ProposedMessage: &api.AppendReq_ProposedMessage{
		Id:       &shared.UUID{Value: &shared.UUID_String_{String_: id.String()}},
		Metadata: map[string]string{"type": typ, "content-type": "application/json"},
		Data:     []byte(`{}`),
	}}}
}

// appendTo appends events with ids to stream and returns the answer.
func appendTo(t *testing.T, c api.StreamsClient, stream string, expected *api.AppendReq_Options, ids ...uuid.UUID) *api.AppendResp {
	t.Helper()
	call, err := c.Append(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	expected.StreamIdentifier = &shared.StreamIdentifier{StreamName: []byte(stream)}
	if err := call.Send(&api.AppendReq{Content: &api.AppendReq_Options_{Options: expected}}); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if err := call.Send(message(id, "Happened")); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := call.CloseAndRecv()
	if err != nil {
		t.Fatalf("append to %s: %v", stream, err)
	}
	return resp
}

// Expected revisions: exact, no stream, any, stream exists.

func revision(r uint64) *api.AppendReq_Options {
	return &api.AppendReq_Options{ExpectedStreamRevision: &api.AppendReq_Options_Revision{Revision: r}}
}

func noStream() *api.AppendReq_Options {
	return &api.AppendReq_Options{ExpectedStreamRevision: &api.AppendReq_Options_NoStream{NoStream: empty()}}
}

func anyRevision() *api.AppendReq_Options {
	return &api.AppendReq_Options{ExpectedStreamRevision: &api.AppendReq_Options_Any{Any: empty()}}
}

func streamExists() *api.AppendReq_Options {
	return &api.AppendReq_Options{ExpectedStreamRevision: &api.AppendReq_Options_StreamExists{StreamExists: empty()}}
}

// read returns every response of a finite read.
func read(t *testing.T, c api.StreamsClient, opts *api.ReadReq_Options) ([]*api.ReadResp, error) {
	t.Helper()
	opts.UuidOption = &api.ReadReq_Options_UUIDOption{Content: &api.ReadReq_Options_UUIDOption_Structured{Structured: empty()}}
	if opts.CountOption == nil {
		opts.CountOption = &api.ReadReq_Options_Count{Count: 1000}
	}
	call, err := c.Read(t.Context(), &api.ReadReq{Options: opts})
	if err != nil {
		return nil, err
	}
	var out []*api.ReadResp
	for {
		r, err := call.Recv()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
}

func allFrom(pos uint64) *api.ReadReq_Options_All {
	return &api.ReadReq_Options_All{All: &api.ReadReq_Options_AllOptions{AllOption: &api.ReadReq_Options_AllOptions_Position{
		Position: &api.ReadReq_Options_Position{CommitPosition: pos, PreparePosition: pos},
	}}}
}

func allFromStart() *api.ReadReq_Options_All {
	return &api.ReadReq_Options_All{All: &api.ReadReq_Options_AllOptions{AllOption: &api.ReadReq_Options_AllOptions_Start{Start: empty()}}}
}

func TestWrongExpectedVersionCarriesTheCurrentRevision(t *testing.T) {
	c := client(t)
	appendTo(t, c, "order-1", noStream(), uuid.New(), uuid.New())

	wrong := appendTo(t, c, "order-1", revision(0), uuid.New()).GetWrongExpectedVersion()
	if wrong == nil || wrong.GetCurrentRevision() != 1 || wrong.GetExpectedRevision() != 0 {
		t.Fatalf("append at revision 0 of a stream at 1 = %v, want wrong expected version, current 1, expected 0", wrong)
	}
	wrong = appendTo(t, c, "order-2", revision(3), uuid.New()).GetWrongExpectedVersion()
	if wrong == nil || wrong.GetCurrentNoStream() == nil {
		t.Fatalf("append at revision 3 of a missing stream = %v, want wrong expected version, current no stream", wrong)
	}
	wrong = appendTo(t, c, "order-2", streamExists(), uuid.New()).GetWrongExpectedVersion()
	if wrong == nil || wrong.GetExpectedStreamExists() == nil || wrong.GetCurrentNoStream() == nil {
		t.Fatalf("append with stream_exists to a missing stream = %v, want wrong expected version", wrong)
	}
}

func TestIdempotentAppendsWriteNothingAndHaveNoPosition(t *testing.T) {
	c := client(t)
	a, b := uuid.New(), uuid.New()
	appendTo(t, c, "order-1", noStream(), uuid.New())
	first := appendTo(t, c, "order-1", revision(0), a, b).GetSuccess()
	if first.GetPosition() == nil || first.GetCurrentRevision() != 2 {
		t.Fatalf("first append = %v, want revision 2 with a position", first)
	}
	for name, expected := range map[string]*api.AppendReq_Options{
		"the same revision": revision(0),
		"any":               anyRevision(),
	} {
		again := appendTo(t, c, "order-1", expected, a, b).GetSuccess()
		if again == nil || again.GetNoPosition() == nil || again.GetCurrentRevision() != 2 {
			t.Fatalf("re-append with %s = %v, want success at revision 2 without a position", name, again)
		}
	}
	// Only a part of the batch, at the same revision: not the same write.
	if wrong := appendTo(t, c, "order-1", revision(0), a, uuid.New()).GetWrongExpectedVersion(); wrong == nil {
		t.Fatal("a batch that only starts with written ids was accepted")
	}
	// At the current revision KurrentDB checks nothing: the ids are written again.
	if again := appendTo(t, c, "order-1", revision(2), a, b).GetSuccess(); again.GetPosition() == nil || again.GetCurrentRevision() != 4 {
		t.Fatalf("re-append at the current revision = %v, want a new write at revision 4", again)
	}
}

func TestAllPositionsAreOffsetsAndReadsIncludeTheirStart(t *testing.T) {
	c := client(t)
	appendTo(t, c, "order-1", noStream(), uuid.New(), uuid.New(), uuid.New())
	resps, err := read(t, c, &api.ReadReq_Options{StreamOption: allFromStart()})
	if err != nil {
		t.Fatal(err)
	}
	var positions []uint64
	for _, r := range resps {
		e := r.GetEvent().GetEvent()
		if e.GetCommitPosition() != e.GetPreparePosition() || r.GetEvent().GetCommitPosition() != e.GetCommitPosition() {
			t.Fatalf("event at commit %d, prepare %d, read at %d: want one position", e.GetCommitPosition(), e.GetPreparePosition(), r.GetEvent().GetCommitPosition())
		}
		if e.GetMetadata()["created"] == "" || e.GetMetadata()["type"] == "" {
			t.Fatalf("event without created or type: %v", e.GetMetadata())
		}
		positions = append(positions, e.GetCommitPosition())
	}
	if len(positions) != 4 || !strings.HasPrefix(string(resps[0].GetEvent().GetEvent().GetStreamIdentifier().GetStreamName()), "$") {
		t.Fatalf("$all = %d events, want a system event and the 3 appended", len(positions))
	}
	for i := 1; i < len(positions); i++ {
		if positions[i] <= positions[i-1]+1 {
			t.Fatalf("positions %v: want strictly increasing, with gaps", positions)
		}
	}
	from, err := read(t, c, &api.ReadReq_Options{StreamOption: allFrom(positions[2])})
	if err != nil || len(from) != 2 || from[0].GetEvent().GetEvent().GetCommitPosition() != positions[2] {
		t.Fatalf("read from position %d = %d events, %v; want it and the one after", positions[2], len(from), err)
	}
	_, err = read(t, c, &api.ReadReq_Options{StreamOption: allFrom(positions[2] + 1)})
	if status.Code(err) != codes.InvalidArgument {
		t.Fatalf("read from inside a record = %v, want InvalidArgument", err)
	}
}

func TestReadOfAMissingStreamSaysStreamNotFound(t *testing.T) {
	c := client(t)
	resps, err := read(t, c, &api.ReadReq_Options{StreamOption: &api.ReadReq_Options_Stream{Stream: &api.ReadReq_Options_StreamOptions{
		StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte("order-1")},
		RevisionOption:   &api.ReadReq_Options_StreamOptions_Start{Start: empty()},
	}}})
	if err != nil || len(resps) != 1 || resps[0].GetStreamNotFound() == nil {
		t.Fatalf("read of a missing stream = %v, %v; want stream_not_found", resps, err)
	}
}

func TestAppendRequiresTypeAndContentType(t *testing.T) {
	c := client(t)
	call, err := c.Append(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	opts := anyRevision()
	opts.StreamIdentifier = &shared.StreamIdentifier{StreamName: []byte("order-1")}
	_ = call.Send(&api.AppendReq{Content: &api.AppendReq_Options_{Options: opts}})
	m := message(uuid.New(), "Happened")
	delete(m.GetProposedMessage().Metadata, "content-type")
	_ = call.Send(m)
	if _, err := call.CloseAndRecv(); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("append without content-type = %v, want InvalidArgument", err)
	}
}

// A filtered catch-up subscription: confirmation, the matching stored events
// after the position, checkpoints as it considers events, caught_up, then
// live events.
func TestFilteredSubscription(t *testing.T) {
	c := client(t)
	first := appendTo(t, c, "listing-1", noStream(), uuid.New()).GetSuccess().GetPosition().GetCommitPosition()
	for range 3 {
		appendTo(t, c, "order-1", anyRevision(), uuid.New())
	}
	stored := uuid.New()
	appendTo(t, c, "listing-1", anyRevision(), stored)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	call, err := c.Read(ctx, &api.ReadReq{Options: &api.ReadReq_Options{
		StreamOption: allFrom(first),
		CountOption:  &api.ReadReq_Options_Subscription{Subscription: &api.ReadReq_Options_SubscriptionOptions{}},
		FilterOption: &api.ReadReq_Options_Filter{Filter: &api.ReadReq_Options_FilterOptions{
			Filter: &api.ReadReq_Options_FilterOptions_StreamIdentifier{StreamIdentifier: &api.ReadReq_Options_FilterOptions_Expression{
				Prefix: []string{"listing-"},
			}},
			Window:                       &api.ReadReq_Options_FilterOptions_Max{Max: 2},
			CheckpointIntervalMultiplier: 1,
		}},
		UuidOption: &api.ReadReq_Options_UUIDOption{Content: &api.ReadReq_Options_UUIDOption_String_{String_: empty()}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	recv := func() *api.ReadResp {
		r, err := call.Recv()
		if err != nil {
			t.Fatalf("after %v: %v", kinds, err)
		}
		switch {
		case r.GetConfirmation() != nil:
			kinds = append(kinds, "confirmation")
		case r.GetEvent() != nil:
			kinds = append(kinds, "event "+r.GetEvent().GetEvent().GetId().GetString_())
		case r.GetCheckpoint() != nil:
			kinds = append(kinds, "checkpoint")
		case r.GetCaughtUp() != nil:
			kinds = append(kinds, "caught up")
		}
		return r
	}
	for len(kinds) == 0 || kinds[len(kinds)-1] != "caught up" {
		recv()
	}
	// From the first event (exclusive): order-1 ×3 and listing-1 considered,
	// a checkpoint after every 2.
	want := []string{"confirmation", "checkpoint", "event " + stored.String(), "checkpoint", "caught up"}
	if strings.Join(kinds, ", ") != strings.Join(want, ", ") {
		t.Fatalf("subscription sent %v, want %v", kinds, want)
	}
	live := uuid.New()
	appendTo(t, c, "order-2", anyRevision(), uuid.New())
	appendTo(t, c, "listing-2", anyRevision(), live)
	for kinds[len(kinds)-1] != "event "+live.String() {
		if r := recv(); r.GetEvent() != nil && r.GetEvent().GetEvent().GetId().GetString_() != live.String() {
			t.Fatalf("live event %s does not match the filter", r.GetEvent().GetEvent().GetStreamIdentifier().GetStreamName())
		}
	}
}

// The client's exclude-system-events filter is a regular expression on the
// event type.
func TestRegexFilterOnEventType(t *testing.T) {
	c := client(t)
	appendTo(t, c, "order-1", noStream(), uuid.New())
	resps, err := read(t, c, &api.ReadReq_Options{
		StreamOption: allFromStart(),
		FilterOption: &api.ReadReq_Options_Filter{Filter: &api.ReadReq_Options_FilterOptions{
			Filter: &api.ReadReq_Options_FilterOptions_EventType{EventType: &api.ReadReq_Options_FilterOptions_Expression{
				Regex: `^[^\$].*`,
			}},
			Window: &api.ReadReq_Options_FilterOptions_Count{Count: empty()},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(resps) != 1 || string(resps[0].GetEvent().GetEvent().GetStreamIdentifier().GetStreamName()) != "order-1" {
		t.Fatalf("$all without system event types = %d events, want only order-1's", len(resps))
	}
}
