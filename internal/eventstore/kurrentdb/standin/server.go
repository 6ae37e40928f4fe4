package standin

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/status"
)

// Server is a running stand-in, listening on a loopback port without TLS.
type Server struct {
	grpc    *grpc.Server
	lis     net.Listener
	log     *eventLog
	now     func() time.Time
	streams *streams
}

// Option changes how the stand-in behaves.
type Option func(*options)

type options struct {
	addr                  string
	noStreamReadPositions bool
}

// At makes the stand-in listen on addr, a loopback host:port, instead of a
// free port: a test can start a new stand-in where a stopped one was.
func At(addr string) Option {
	return func(o *options) { o.addr = addr }
}

// WithoutStreamReadPositions makes stream reads leave events' positions unset
// (max uint64), as older EventStoreDB servers do; $all reads still carry them.
func WithoutStreamReadPositions() Option {
	return func(o *options) { o.noStreamReadPositions = true }
}

// Start listens on 127.0.0.1 on a free port (or where At says) and serves
// until Close.
func Start(opts ...Option) (*Server, error) {
	o := options{addr: "127.0.0.1:0"}
	for _, opt := range opts {
		opt(&o)
	}
	lis, err := net.Listen("tcp", o.addr)
	if err != nil {
		return nil, fmt.Errorf("standin: listen: %w", err)
	}
	// The client pings every 10 s by default, even without calls; grpc-go
	// servers hang up on pings more often than every 5 minutes unless told
	// otherwise, KurrentDB does not.
	keep := grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: time.Second, PermitWithoutStream: true})
	s := &Server{grpc: grpc.NewServer(keep), lis: lis, log: newEventLog(), now: time.Now}
	// A fresh KurrentDB is never empty: it holds system events of its own.
	s.log.append("$settings", expectation{kind: expectAny}, []proposed{{
		id: uuid.New(), eventType: "$settings", contentType: "application/json", data: []byte(`{}`), meta: []byte{},
	}}, s.now())
	s.streams = &streams{log: s.log, now: s.now, drop: make(chan struct{}), noStreamReadPositions: o.noStreamReadPositions}
	api.RegisterStreamsServer(s.grpc, s.streams)
	go func() { _ = s.grpc.Serve(lis) }()
	return s, nil
}

// Addr is the host:port the stand-in listens on.
func (s *Server) Addr() string { return s.lis.Addr().String() }

// URL is the connection string for the adapter: esdb://127.0.0.1:PORT?tls=false.
func (s *Server) URL() string { return "esdb://" + s.Addr() + "?tls=false" }

// Close stops the server, ending every call in progress.
func (s *Server) Close() { s.grpc.Stop() }

// DropSubscriptions ends every running subscription the way KurrentDB ends
// one whose consumer is too slow for live events (DeadlineExceeded, "consumer
// too slow"); the connection stays up.
func (s *Server) DropSubscriptions() { s.streams.dropAll() }

// streams serves Streams.Append and Streams.Read.
type streams struct {
	api.UnimplementedStreamsServer
	log *eventLog
	now func() time.Time

	noStreamReadPositions bool // see WithoutStreamReadPositions

	dropMu sync.Mutex
	drop   chan struct{} // closed and replaced by dropAll
}

// dropped returns the channel the next dropAll closes.
func (s *streams) dropped() <-chan struct{} {
	s.dropMu.Lock()
	defer s.dropMu.Unlock()
	return s.drop
}

// dropAll ends the subscriptions running now.
func (s *streams) dropAll() {
	s.dropMu.Lock()
	defer s.dropMu.Unlock()
	close(s.drop)
	s.drop = make(chan struct{})
}

// Append implements the client-streaming Streams.Append: options first, then
// one proposed message per event.
func (s *streams) Append(srv api.Streams_AppendServer) error {
	first, err := srv.Recv()
	if err != nil {
		return err
	}
	opts := first.GetOptions()
	if opts == nil {
		return status.Error(codes.InvalidArgument, "append: the first message must be the options")
	}
	stream := string(opts.GetStreamIdentifier().GetStreamName())
	if stream == "" || stream == "$all" {
		return status.Errorf(codes.InvalidArgument, "append: invalid stream %q", stream)
	}
	var expected expectation
	switch opts.GetExpectedStreamRevision().(type) {
	case *api.AppendReq_Options_Revision:
		expected = expectation{kind: expectRevision, revision: opts.GetRevision()}
	case *api.AppendReq_Options_NoStream:
		expected.kind = expectNoStream
	case *api.AppendReq_Options_StreamExists:
		expected.kind = expectStreamExists
	case *api.AppendReq_Options_Any:
		expected.kind = expectAny
	default:
		return status.Error(codes.InvalidArgument, "append: no expected revision")
	}
	var events []proposed
	for {
		req, err := srv.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		e, err := toProposed(req.GetProposedMessage())
		if err != nil {
			return err
		}
		events = append(events, e)
	}
	if len(events) == 0 {
		// KurrentDB acknowledges an empty append; the adapter never sends one.
		return status.Error(codes.Unimplemented, "standin: empty appends are not served")
	}
	res := s.log.append(stream, expected, events, s.now())
	return srv.SendAndClose(appendResp(res, expected))
}

// toProposed checks and converts one proposed message.
func toProposed(m *api.AppendReq_ProposedMessage) (proposed, error) {
	if m == nil {
		return proposed{}, status.Error(codes.InvalidArgument, "append: expected a proposed message")
	}
	id, err := fromUUID(m.GetId())
	if err != nil {
		return proposed{}, status.Errorf(codes.InvalidArgument, "append: event id: %v", err)
	}
	md := m.GetMetadata()
	typ, ok := md["type"]
	if !ok || typ == "" {
		return proposed{}, status.Error(codes.InvalidArgument, "append: required metadata property 'type' is missing")
	}
	ct, ok := md["content-type"]
	if !ok {
		return proposed{}, status.Error(codes.InvalidArgument, "append: required metadata property 'content-type' is missing")
	}
	return proposed{id: id, eventType: typ, contentType: ct, data: m.GetData(), meta: m.GetCustomMetadata()}, nil
}

// appendResp is the answer to an append, as KurrentDB words it.
func appendResp(res appendResult, expected expectation) *api.AppendResp {
	switch {
	case res.written || res.idempotent:
		ok := &api.AppendResp_Success{
			CurrentRevisionOption: &api.AppendResp_Success_CurrentRevision{CurrentRevision: uint64(res.current)},
			PositionOption:        &api.AppendResp_Success_NoPosition{NoPosition: &shared.Empty{}},
		}
		if res.written {
			ok.PositionOption = &api.AppendResp_Success_Position{Position: &api.AppendResp_Position{
				CommitPosition: res.position, PreparePosition: res.position,
			}}
		}
		return &api.AppendResp{Result: &api.AppendResp_Success_{Success: ok}}
	}
	wrong := &api.AppendResp_WrongExpectedVersion{}
	if res.current < 0 {
		wrong.CurrentRevisionOption = &api.AppendResp_WrongExpectedVersion_CurrentNoStream{CurrentNoStream: &shared.Empty{}}
	} else {
		wrong.CurrentRevisionOption = &api.AppendResp_WrongExpectedVersion_CurrentRevision{CurrentRevision: uint64(res.current)}
	}
	switch expected.kind {
	case expectAny:
		wrong.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedAny{ExpectedAny: &shared.Empty{}}
	case expectNoStream:
		wrong.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedNoStream{ExpectedNoStream: &shared.Empty{}}
	case expectStreamExists:
		wrong.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedStreamExists{ExpectedStreamExists: &shared.Empty{}}
	default:
		wrong.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedRevision{ExpectedRevision: expected.revision}
	}
	return &api.AppendResp{Result: &api.AppendResp_WrongExpectedVersion_{WrongExpectedVersion: wrong}}
}

// fromUUID reads an event id in either of the protocol's forms.
func fromUUID(u *shared.UUID) (uuid.UUID, error) {
	if st := u.GetStructured(); st != nil {
		var b [16]byte
		binary.BigEndian.PutUint64(b[:8], uint64(st.GetMostSignificantBits()))
		binary.BigEndian.PutUint64(b[8:], uint64(st.GetLeastSignificantBits()))
		return uuid.UUID(b), nil
	}
	return uuid.Parse(u.GetString_())
}

// toUUID writes an event id in the form the read asked for.
func toUUID(id uuid.UUID, asString bool) *shared.UUID {
	if asString {
		return &shared.UUID{Value: &shared.UUID_String_{String_: id.String()}}
	}
	return &shared.UUID{Value: &shared.UUID_Structured_{Structured: &shared.UUID_Structured{
		MostSignificantBits:  int64(binary.BigEndian.Uint64(id[:8])),
		LeastSignificantBits: int64(binary.BigEndian.Uint64(id[8:])),
	}}}
}
