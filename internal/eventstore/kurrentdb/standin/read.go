package standin

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Read implements Streams.Read: a read of a stream or of $all with a count,
// or a catch-up subscription to $all.
func (s *streams) Read(req *api.ReadReq, srv api.Streams_ReadServer) error {
	opts := req.GetOptions()
	if opts == nil {
		return status.Error(codes.InvalidArgument, "read: no options")
	}
	match, err := newFilter(opts.GetFilter())
	if err != nil {
		return err
	}
	out := sender{srv: srv, asString: opts.GetUuidOption().GetString_() != nil, noStreamPositions: s.noStreamReadPositions}
	backwards := opts.GetReadDirection() == api.ReadReq_Options_Backwards
	_, subscribe := opts.GetCountOption().(*api.ReadReq_Options_Subscription)
	switch {
	case opts.GetStream() != nil && subscribe:
		return status.Error(codes.Unimplemented, "standin: subscriptions to one stream are not served")
	case opts.GetStream() != nil:
		return s.readStream(opts.GetStream(), backwards, opts.GetCount(), out)
	case opts.GetAll() != nil && subscribe:
		if backwards {
			return status.Error(codes.InvalidArgument, "read: subscriptions go forwards")
		}
		return s.subscribeAll(opts.GetAll(), match, checkpointInterval(opts.GetFilter()), out)
	case opts.GetAll() != nil:
		return s.readAll(opts.GetAll(), backwards, opts.GetCount(), match, out)
	}
	return status.Error(codes.InvalidArgument, "read: neither a stream nor $all")
}

// readStream sends up to count events of one stream, or stream_not_found.
func (s *streams) readStream(o *api.ReadReq_Options_StreamOptions, backwards bool, count uint64, out sender) error {
	name := string(o.GetStreamIdentifier().GetStreamName())
	from := func(last uint64) uint64 {
		switch o.GetRevisionOption().(type) {
		case *api.ReadReq_Options_StreamOptions_Start:
			return 0
		case *api.ReadReq_Options_StreamOptions_End:
			if backwards {
				return last
			}
			return last + 1
		}
		if backwards {
			return min(o.GetRevision(), last)
		}
		return o.GetRevision()
	}
	recs, ok := s.log.stream(name, from, backwards, count)
	if !ok {
		return out.srv.Send(&api.ReadResp{Content: &api.ReadResp_StreamNotFound_{StreamNotFound: &api.ReadResp_StreamNotFound{
			StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(name)},
		}}})
	}
	for _, r := range recs {
		// From a stream: no $all position on the read event.
		if err := out.event(r, false); err != nil {
			return err
		}
	}
	return nil
}

// start returns the index into the log that an $all read or subscription
// starts at: the record at a position (or after it, when exclusive), the
// first, or the end.
func (s *streams) start(o *api.ReadReq_Options_AllOptions, exclusive bool) (int, error) {
	switch o.GetAllOption().(type) {
	case *api.ReadReq_Options_AllOptions_Start:
		return 0, nil
	case *api.ReadReq_Options_AllOptions_End:
		return s.log.length(), nil
	}
	p := o.GetPosition()
	if p.GetCommitPosition() != p.GetPreparePosition() {
		return 0, status.Error(codes.InvalidArgument, "invalid position: commit and prepare positions differ")
	}
	i, ok := s.log.index(p.GetCommitPosition())
	if !ok {
		return 0, status.Errorf(codes.InvalidArgument, "invalid position %d", p.GetCommitPosition())
	}
	if exclusive && i < s.log.length() {
		i++
	}
	return i, nil
}

// readAll sends up to count events of $all that match.
func (s *streams) readAll(o *api.ReadReq_Options_AllOptions, backwards bool, count uint64, match filter, out sender) error {
	i, err := s.start(o, false)
	if err != nil {
		return err
	}
	if !backwards {
		recs, _ := s.log.from(i)
		for _, r := range recs {
			if count == 0 {
				return nil
			}
			if match(r) {
				if err := out.event(r, true); err != nil {
					return err
				}
				count--
			}
		}
		return nil
	}
	// Backwards from a position: the events before it.
	recs, _ := s.log.from(0)
	for j := min(i, len(recs)) - 1; j >= 0 && count > 0; j-- {
		if match(recs[j]) {
			if err := out.event(recs[j], true); err != nil {
				return err
			}
			count--
		}
	}
	return nil
}

// subscribeAll confirms, sends the stored events after the start, caught_up,
// then live events until the client goes away or the server stops.
func (s *streams) subscribeAll(o *api.ReadReq_Options_AllOptions, match filter, interval uint64, out sender) error {
	i, err := s.start(o, true)
	if err != nil {
		return err
	}
	if err := out.srv.Send(&api.ReadResp{Content: &api.ReadResp_Confirmation{Confirmation: &api.ReadResp_SubscriptionConfirmation{
		SubscriptionId: uuid.NewString(),
	}}}); err != nil {
		return err
	}
	ctx := out.srv.Context()
	drop := s.dropped()
	caughtUp := false
	var considered uint64
	for {
		recs, changed := s.log.from(i)
		for _, r := range recs {
			i++
			if match(r) {
				if err := out.event(r, true); err != nil {
					return err
				}
			}
			if considered++; interval > 0 && considered%interval == 0 {
				if err := out.checkpoint(r.pos); err != nil {
					return err
				}
			}
		}
		if !caughtUp {
			caughtUp = true
			if err := out.srv.Send(&api.ReadResp{Content: &api.ReadResp_CaughtUp_{CaughtUp: &api.ReadResp_CaughtUp{}}}); err != nil {
				return err
			}
		}
		select {
		case <-changed:
		case <-drop:
			return status.Error(codes.DeadlineExceeded, "consumer too slow to handle event while live; client resubscription required")
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// checkpointInterval is how many considered events a filtered subscription
// sends a checkpoint after: the multiplier times the search window. An
// unfiltered subscription sends none.
func checkpointInterval(f *api.ReadReq_Options_FilterOptions) uint64 {
	if f == nil {
		return 0
	}
	window := uint64(32)
	if w := f.GetMax(); w > 0 {
		window = uint64(w)
	}
	return max(uint64(f.GetCheckpointIntervalMultiplier()), 1) * window
}

// filter selects records.
type filter func(record) bool

// newFilter compiles a read's filter: on stream name or event type, by
// prefixes or a regular expression. No filter selects everything.
func newFilter(f *api.ReadReq_Options_FilterOptions) (filter, error) {
	if f == nil {
		return func(record) bool { return true }, nil
	}
	field := func(r record) string { return r.stream }
	expr := f.GetStreamIdentifier()
	if f.GetEventType() != nil {
		field = func(r record) string { return r.eventType }
		expr = f.GetEventType()
	}
	if expr == nil {
		return nil, status.Error(codes.InvalidArgument, "read: filter without an expression")
	}
	if re := expr.GetRegex(); re != "" {
		rx, err := regexp.Compile(re)
		if err != nil {
			return nil, status.Errorf(codes.InvalidArgument, "read: filter regex: %v", err)
		}
		return func(r record) bool { return rx.MatchString(field(r)) }, nil
	}
	prefixes := expr.GetPrefix()
	return func(r record) bool {
		for _, p := range prefixes {
			if strings.HasPrefix(field(r), p) {
				return true
			}
		}
		return false
	}, nil
}

// sender writes read responses in the form the client asked for.
type sender struct {
	srv               api.Streams_ReadServer
	asString          bool // event ids as strings rather than structured
	noStreamPositions bool // stream reads leave the recorded event's positions unset
}

// event sends one event. From $all it carries its commit position on the
// read event too; from a stream, no position there.
func (o sender) event(r record, fromAll bool) error {
	ev := &api.ReadResp_ReadEvent{
		Event: &api.ReadResp_ReadEvent_RecordedEvent{
			Id:               toUUID(r.id, o.asString),
			StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(r.stream)},
			StreamRevision:   r.revision,
			PreparePosition:  r.pos,
			CommitPosition:   r.pos,
			Metadata: map[string]string{
				"type":         r.eventType,
				"created":      strconv.FormatInt(r.created, 10),
				"content-type": r.contentType,
			},
			CustomMetadata: r.meta,
			Data:           r.data,
		},
		Position: &api.ReadResp_ReadEvent_NoPosition{NoPosition: &shared.Empty{}},
	}
	switch {
	case fromAll:
		ev.Position = &api.ReadResp_ReadEvent_CommitPosition{CommitPosition: r.pos}
	case o.noStreamPositions:
		ev.Event.CommitPosition, ev.Event.PreparePosition = math.MaxUint64, math.MaxUint64
	}
	return o.srv.Send(&api.ReadResp{Content: &api.ReadResp_Event{Event: ev}})
}

// checkpoint sends a filtered subscription's checkpoint at pos.
func (o sender) checkpoint(pos uint64) error {
	return o.srv.Send(&api.ReadResp{Content: &api.ReadResp_Checkpoint_{Checkpoint: &api.ReadResp_Checkpoint{
		CommitPosition: pos, PreparePosition: pos,
	}}})
}
