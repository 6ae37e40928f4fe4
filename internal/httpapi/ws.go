package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/nongjiao/nongjiao/internal/auth"
)

// Subprotocol is the WebSocket subprotocol the server speaks:
// https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md
const Subprotocol = "graphql-transport-ws"

// Close codes of the graphql-transport-ws protocol.
const (
	closeBadRequest        websocket.StatusCode = 4400 // invalid message
	closeUnauthorized      websocket.StatusCode = 4401 // subscribe before connection_ack
	closeForbidden         websocket.StatusCode = 4403 // connection_init with a refused token
	closeBadSubprotocol    websocket.StatusCode = 4406 // the client does not speak graphql-transport-ws
	closeInitTimeout       websocket.StatusCode = 4408 // no connection_init within Options.InitTimeout
	closeDuplicateID       websocket.StatusCode = 4409 // subscribe with an id already running
	closeTooManyInitialise websocket.StatusCode = 4429 // a second connection_init
	closeInternal          websocket.StatusCode = 4500 // the server failed
)

// writeTimeout bounds sending one message to a slow client.
const writeTimeout = 10 * time.Second

// wsMessage is one graphql-transport-ws message.
type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func isWebSocketUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// socket is one graphql-transport-ws connection.
type socket struct {
	s    *Server
	conn *websocket.Conn
	ctx  context.Context // ends when the connection does

	acked     atomic.Bool
	principal *auth.Principal // set once, by connection_init, before acked

	writeMu sync.Mutex // orders writes, so nothing of a stopped operation follows its stop

	mu  sync.Mutex
	ops map[string]*running // by subscribe message id
	wg  sync.WaitGroup
}

// running is an operation in progress on a socket.
type running struct{ cancel context.CancelFunc }

// serveWebSocket runs the graphql-transport-ws protocol on an upgraded request.
func (s *Server) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{Subprotocol}})
	if err != nil {
		return // Accept has answered the request
	}
	if conn.Subprotocol() != Subprotocol {
		_ = conn.Close(closeBadSubprotocol, "Subprotocol not acceptable")
		return
	}
	s.sockets.Add(1)
	defer s.sockets.Done()
	conn.SetReadLimit(s.opts.MaxBodyBytes)

	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stopOnShutdown := context.AfterFunc(s.base, func() { _ = conn.Close(websocket.StatusGoingAway, "server shutting down") })
	defer stopOnShutdown()

	sock := &socket{s: s, conn: conn, ctx: ctx, ops: map[string]*running{}}
	if p, ok := auth.FromContext(r.Context()); ok {
		sock.principal = &p
	}
	initTimer := time.AfterFunc(s.opts.InitTimeout, func() {
		if !sock.acked.Load() {
			_ = conn.Close(closeInitTimeout, "Connection initialisation timeout")
		}
	})
	defer initTimer.Stop()

	code, reason := sock.readLoop()
	cancel()
	sock.wg.Wait()
	_ = conn.Close(code, reason)
}

// readLoop handles client messages until the connection ends or the client
// breaks the protocol, and returns the close code and reason to send.
func (c *socket) readLoop() (websocket.StatusCode, string) {
	initialised := false
	for {
		typ, data, err := c.conn.Read(c.ctx)
		if err != nil {
			if errors.As(err, new(websocket.CloseError)) {
				return websocket.StatusNormalClosure, ""
			}
			return websocket.StatusGoingAway, ""
		}
		var msg wsMessage
		if typ != websocket.MessageText || json.Unmarshal(data, &msg) != nil {
			return closeBadRequest, "Invalid message received"
		}
		switch msg.Type {
		case "connection_init":
			if initialised {
				return closeTooManyInitialise, "Too many initialisation requests"
			}
			initialised = true
			if err := c.authenticate(msg.Payload); err != nil {
				return closeForbidden, "Forbidden"
			}
			c.acked.Store(true)
			c.send(c.ctx, wsMessage{Type: "connection_ack"})
		case "ping":
			c.send(c.ctx, wsMessage{Type: "pong"})
		case "pong":
		case "subscribe":
			if !c.acked.Load() {
				return closeUnauthorized, "Unauthorized"
			}
			if code, reason := c.subscribe(msg); code != 0 {
				return code, reason
			}
		case "complete":
			// The client is done with the id: stop the operation and free
			// the id at once, so the client may reuse it.
			c.mu.Lock()
			if op, ok := c.ops[msg.ID]; ok {
				op.cancel()
				delete(c.ops, msg.ID)
			}
			c.mu.Unlock()
		default:
			return closeBadRequest, "Invalid message received"
		}
	}
}

// authenticate reads a bearer token from connection_init's payload:
// {"Authorization": "Bearer <token>"} (any case of the key) or, failing that,
// {"token": "<token>"}. Without either the connection keeps the upgrade
// request's principal, if any.
func (c *socket) authenticate(payload json.RawMessage) error {
	var fields map[string]any
	if !isNull(payload) {
		if err := json.Unmarshal(payload, &fields); err != nil {
			return err
		}
	}
	var p auth.Principal
	var err error
	switch header, token := authorizationField(fields), fields["token"]; {
	case header != nil:
		text, _ := header.(string)
		p, err = auth.VerifyHeader(c.s.opts.Verifier, text)
	case token != nil:
		text, _ := token.(string)
		p, err = c.s.opts.Verifier.Verify(text)
	default:
		return nil
	}
	if err != nil {
		return err
	}
	c.principal = &p
	return nil
}

// authorizationField returns the value of the payload's "Authorization" key,
// matched without regard to case, or nil.
func authorizationField(fields map[string]any) any {
	if v, ok := fields["Authorization"]; ok {
		return v
	}
	for key, v := range fields {
		if strings.EqualFold(key, "authorization") {
			return v
		}
	}
	return nil
}

// subscribe starts the operation of a subscribe message; a non-zero code
// closes the connection.
func (c *socket) subscribe(msg wsMessage) (websocket.StatusCode, string) {
	if msg.ID == "" {
		return closeBadRequest, "Invalid message received"
	}
	var raw rawParams
	if isNull(msg.Payload) || json.Unmarshal(msg.Payload, &raw) != nil {
		return closeBadRequest, "Invalid message received"
	}
	p, herr := decodeParams(raw)
	if herr != nil {
		return closeBadRequest, "Invalid message received"
	}
	// Only this goroutine adds operations, so what it sees here stays true
	// until it registers the new one below.
	c.mu.Lock()
	_, dup := c.ops[msg.ID]
	n := len(c.ops)
	c.mu.Unlock()
	if dup {
		return closeDuplicateID, fmt.Sprintf("Subscriber for %s already exists", msg.ID)
	}
	if n >= c.s.opts.MaxSubscribers {
		c.sendErrors(c.ctx, msg.ID, []gqlError{newError(CodeBadRequest,
			fmt.Sprintf("at most %d operations may run at once on one connection", c.s.opts.MaxSubscribers))})
		return 0, ""
	}
	op, herr := c.s.prepare(p)
	if herr != nil {
		c.sendErrors(c.ctx, msg.ID, herr.errs)
		return 0, ""
	}
	ctx, cancel := context.WithCancel(c.ctx)
	if c.principal != nil {
		ctx = auth.WithPrincipal(ctx, *c.principal)
	}
	self := &running{cancel: cancel}
	c.mu.Lock()
	c.ops[msg.ID] = self
	c.mu.Unlock()
	c.wg.Add(1)
	c.s.metrics.subscriptions.Inc()
	go func() {
		defer c.wg.Done()
		defer c.s.metrics.subscriptions.Dec()
		defer func() {
			c.mu.Lock()
			if c.ops[msg.ID] == self {
				delete(c.ops, msg.ID)
			}
			c.mu.Unlock()
			cancel()
		}()
		if c.run(ctx, msg.ID, op) {
			c.send(ctx, wsMessage{ID: msg.ID, Type: "complete"})
		}
	}()
	return 0, ""
}

// run executes op, sending its results as next messages. It reports whether
// the operation ended normally (so complete is due) rather than with an error
// message.
func (c *socket) run(ctx context.Context, id string, op *operation) bool {
	if op.kind != ast.OperationTypeSubscription {
		if op.kind == ast.OperationTypeQuery {
			if herr := c.s.awaitPosition(ctx, "", op.p.Extensions); herr != nil {
				c.sendErrors(ctx, id, herr.errs)
				return false
			}
		}
		res, herr := c.s.execute(ctx, op)
		if herr != nil {
			c.sendErrors(ctx, id, herr.errs)
			return false
		}
		return c.sendResult(ctx, id, res)
	}
	results := graphql.ExecuteSubscription(graphql.ExecuteParams{
		Schema:        *c.s.schema,
		AST:           op.doc.ast,
		OperationName: op.p.OperationName,
		Args:          op.p.Variables,
		Context:       ctx,
	})
	ok := true
	// Drain the channel to its end: graphql-go's sender blocks until read.
	for res := range results {
		if !ok {
			continue
		}
		out, herr := c.s.result(ctx, res)
		if herr != nil {
			c.sendErrors(ctx, id, herr.errs)
			ok = false
			continue
		}
		ok = c.sendResult(ctx, id, out)
	}
	return ok
}

func (c *socket) sendResult(ctx context.Context, id string, res response) bool {
	payload, err := json.Marshal(res)
	if err != nil {
		c.s.log.Error("graphql: encoding a subscription result failed", "error", err)
		_ = c.conn.Close(closeInternal, "Internal server error")
		return false
	}
	return c.send(ctx, wsMessage{ID: id, Type: "next", Payload: payload})
}

func (c *socket) sendErrors(ctx context.Context, id string, errs []gqlError) {
	payload, _ := json.Marshal(errs)
	c.send(ctx, wsMessage{ID: id, Type: "error", Payload: payload})
}

// send writes one message for the operation (or connection) whose context
// is ctx, unless ctx has ended; it reports false when nothing was written.
func (c *socket) send(ctx context.Context, msg wsMessage) bool {
	data, err := json.Marshal(msg)
	if err != nil {
		return false
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if ctx.Err() != nil {
		return false
	}
	// A write under way finishes even when the socket's context ends: the
	// WebSocket library closes the connection when a write's context ends,
	// and the close frame with the socket's code (ServeHTTP) could then no
	// longer be sent. No write starts after the end (ctx above).
	wctx, cancel := context.WithTimeout(context.WithoutCancel(c.ctx), writeTimeout)
	defer cancel()
	return c.conn.Write(wctx, websocket.MessageText, data) == nil
}
