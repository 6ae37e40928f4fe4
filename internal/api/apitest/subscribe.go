package apitest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// Subscription is one graphql-transport-ws subscription to the harness.
type Subscription struct {
	t    testing.TB
	conn *websocket.Conn
	ctx  context.Context
}

// Subscribe opens a WebSocket as token's holder ("" for anonymous) and
// starts the subscription query with vars. It closes when the test ends.
func (h *Harness) Subscribe(token, query string, vars map[string]any) *Subscription {
	h.T.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	h.T.Cleanup(cancel)
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(h.URL, "http"), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		h.T.Fatal(err)
	}
	h.T.Cleanup(func() { conn.Close(websocket.StatusNormalClosure, "") })
	s := &Subscription{t: h.T, conn: conn, ctx: ctx}
	init := map[string]any{"type": "connection_init"}
	if token != "" {
		init["payload"] = map[string]any{"Authorization": "Bearer " + token}
	}
	s.send(init)
	if m := s.read(); m["type"] != "connection_ack" {
		h.T.Fatalf("connection_init answered %v", m)
	}
	s.send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": query, "variables": vars}})
	return s
}

func (s *Subscription) send(m map[string]any) {
	s.t.Helper()
	b, _ := json.Marshal(m)
	if err := s.conn.Write(s.ctx, websocket.MessageText, b); err != nil {
		s.t.Fatal(err)
	}
}

func (s *Subscription) read() map[string]any {
	s.t.Helper()
	_, b, err := s.conn.Read(s.ctx)
	if err != nil {
		s.t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		s.t.Fatal(err)
	}
	return m
}

// Next returns the next message of the subscription: its payload for a
// "next" (data and errors), or fails the test for anything else.
func (s *Subscription) Next() map[string]any {
	s.t.Helper()
	m := s.read()
	if m["type"] != "next" {
		s.t.Fatalf("got %v, want a next message", m)
	}
	p, _ := m["payload"].(map[string]any)
	return p
}

// Refused returns the errors of an "error" message, which refuses the
// subscription, or fails the test for anything else.
func (s *Subscription) Refused() []any {
	s.t.Helper()
	m := s.read()
	if m["type"] != "error" {
		s.t.Fatalf("got %v, want an error message", m)
	}
	errs, _ := m["payload"].([]any)
	return errs
}
