package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/nongjiao/nongjiao/internal/auth"
)

// wsClient is a bare graphql-transport-ws client for protocol tests.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
}

func dialWS(t *testing.T, url string, subprotocols ...string) *wsClient {
	t.Helper()
	if subprotocols == nil {
		subprotocols = []string{Subprotocol}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: subprotocols})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	return &wsClient{t: t, conn: conn}
}

func (c *wsClient) send(msg string) {
	c.t.Helper()
	if err := c.conn.Write(c.t.Context(), websocket.MessageText, []byte(msg)); err != nil {
		c.t.Fatal(err)
	}
}

// read returns the next message, or the close code when the server closed.
func (c *wsClient) read() (wsMessage, websocket.StatusCode) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.t.Context(), 5*time.Second)
	defer cancel()
	_, data, err := c.conn.Read(ctx)
	if err != nil {
		code := websocket.CloseStatus(err)
		if code == -1 {
			c.t.Fatalf("read: %v", err)
		}
		return wsMessage{}, code
	}
	var msg wsMessage
	if err := json.Unmarshal(data, &msg); err != nil {
		c.t.Fatalf("message %s: %v", data, err)
	}
	return msg, 0
}

func (c *wsClient) expect(typ string) wsMessage {
	c.t.Helper()
	msg, code := c.read()
	if code != 0 || msg.Type != typ {
		c.t.Fatalf("got %+v (close %d); want a %s message", msg, code, typ)
	}
	return msg
}

func (c *wsClient) expectClose(want websocket.StatusCode) {
	c.t.Helper()
	for {
		msg, code := c.read()
		if code == want {
			return
		}
		if code != 0 {
			c.t.Fatalf("closed with %d; want %d", code, want)
		}
		if msg.Type != "next" && msg.Type != "complete" {
			c.t.Fatalf("got %+v; want close %d", msg, want)
		}
	}
}

func (c *wsClient) init(payload string) {
	c.t.Helper()
	c.send(`{"type":"connection_init","payload":` + payload + `}`)
	c.expect("connection_ack")
}

func TestWebSocketSubscriptionStreamsAndCompletes(t *testing.T) {
	c := dialWS(t, startServer(t, nil))
	c.init(`{}`)
	c.send(`{"id":"1","type":"subscribe","payload":{"query":"subscription($n: Int!) { countdown(from: $n) }","variables":{"n":2}}}`)
	for _, want := range []string{`{"data":{"countdown":2}}`, `{"data":{"countdown":1}}`} {
		if msg := c.expect("next"); msg.ID != "1" || string(msg.Payload) != want {
			t.Errorf("next %s %s; want id 1 %s", msg.ID, msg.Payload, want)
		}
	}
	if msg := c.expect("complete"); msg.ID != "1" {
		t.Errorf("complete for %q", msg.ID)
	}
}

func TestWebSocketPingPong(t *testing.T) {
	c := dialWS(t, startServer(t, nil))
	c.send(`{"type":"ping"}`)
	c.expect("pong")
}

func TestWebSocketCarriesThePrincipal(t *testing.T) {
	url := startServer(t, nil)
	for name, payload := range map[string]string{
		"Authorization":              `{"Authorization":"Bearer ` + testToken(t, auth.RoleExchange) + `"}`,
		"authorization":              `{"authorization":"Bearer ` + testToken(t, auth.RoleExchange) + `"}`,
		"token":                      `{"token":"` + testToken(t, auth.RoleExchange) + `"}`,
		"Authorization before token": `{"token":"bad","Authorization":"Bearer ` + testToken(t, auth.RoleExchange) + `"}`,
	} {
		t.Run(name, func(t *testing.T) {
			c := dialWS(t, url)
			c.init(payload)
			c.send(`{"id":"q","type":"subscribe","payload":{"query":"{ me }"}}`)
			if msg := c.expect("next"); !strings.Contains(string(msg.Payload), "exchange:"+testParty.String()) {
				t.Errorf("next %s; want the exchange principal", msg.Payload)
			}
			c.expect("complete")
		})
	}
}

func TestWebSocketErrorsGoToTheOperation(t *testing.T) {
	c := dialWS(t, startServer(t, func(o *Options) { o.MaxDepth = 2 }))
	c.init(`null`)
	cases := []struct{ query, code string }{
		{`subscription { nosuchfield }`, CodeValidationFailed},
		{`subscription { countdown(from: -1) }`, "INVALID_INPUT"},
		{`{ items { children { id } } }`, CodeDepthLimit},
	}
	for i, c2 := range cases {
		id := string(rune('a' + i))
		c.send(`{"id":"` + id + `","type":"subscribe","payload":{"query":"` + c2.query + `"}}`)
		msg := c.expect("error")
		var errs []gqlError
		if err := json.Unmarshal(msg.Payload, &errs); err != nil || msg.ID != id || len(errs) != 1 || errs[0].Extensions["code"] != c2.code {
			t.Errorf("%s: error message %s %s; want one %s", c2.query, msg.ID, msg.Payload, c2.code)
		}
	}
	c.send(`{"id":"m","type":"subscribe","payload":{"query":"mutation { placeBid(amount: 1) }"}}`)
	if msg := c.expect("next"); !strings.Contains(string(msg.Payload), codeBidTooLow) {
		t.Errorf("mutation next %s; want %s", msg.Payload, codeBidTooLow)
	}
	c.expect("complete")
}

func TestWebSocketClientCompleteStopsTheSubscription(t *testing.T) {
	c := dialWS(t, startServer(t, nil))
	c.init(`{}`)
	c.send(`{"id":"f","type":"subscribe","payload":{"query":"subscription { forever }"}}`)
	c.expect("next")
	c.send(`{"id":"f","type":"complete"}`)
	// After the client's complete no complete comes back; the id is free again.
	c.send(`{"id":"f","type":"subscribe","payload":{"query":"subscription { countdown(from: 1) }"}}`)
	for {
		msg := c.expect("next")
		if string(msg.Payload) == `{"data":{"countdown":1}}` {
			break
		}
	}
	c.expect("complete")
}

func TestWebSocketProtocolViolationsCloseWithTheProtocolCodes(t *testing.T) {
	url := startServer(t, nil)
	sub := `{"id":"1","type":"subscribe","payload":{"query":"subscription { forever }"}}`
	cases := []struct {
		name string
		run  func(c *wsClient)
		want websocket.StatusCode
	}{
		{"subscribe before connection_init", func(c *wsClient) { c.send(sub) }, closeUnauthorized},
		{"a second connection_init", func(c *wsClient) { c.init(`{}`); c.send(`{"type":"connection_init"}`) }, closeTooManyInitialise},
		{"a refused token", func(c *wsClient) { c.send(`{"type":"connection_init","payload":{"Authorization":"Bearer nope"}}`) }, closeForbidden},
		{"a token that is not a string", func(c *wsClient) { c.send(`{"type":"connection_init","payload":{"token":42}}`) }, closeForbidden},
		{"a payload that is not an object", func(c *wsClient) { c.send(`{"type":"connection_init","payload":[1]}`) }, closeForbidden},
		{"a duplicate id", func(c *wsClient) { c.init(`{}`); c.send(sub); c.send(sub) }, closeDuplicateID},
		{"not JSON", func(c *wsClient) { c.send(`hello`) }, closeBadRequest},
		{"an unknown type", func(c *wsClient) { c.send(`{"type":"start"}`) }, closeBadRequest},
		{"subscribe without id", func(c *wsClient) {
			c.init(`{}`)
			c.send(`{"type":"subscribe","payload":{"query":"{ hello }"}}`)
		}, closeBadRequest},
		{"subscribe without a query", func(c *wsClient) { c.init(`{}`); c.send(`{"id":"1","type":"subscribe","payload":{}}`) }, closeBadRequest},
		{"a binary message", func(c *wsClient) {
			_ = c.conn.Write(c.t.Context(), websocket.MessageBinary, []byte(`{"type":"ping"}`))
		}, closeBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := dialWS(t, url)
			c.t = t
			tc.run(c)
			c.expectClose(tc.want)
		})
	}
	t.Run("no connection_init in time", func(t *testing.T) {
		c := dialWS(t, startServer(t, func(o *Options) { o.InitTimeout = 50 * time.Millisecond }))
		c.expectClose(closeInitTimeout)
	})
	t.Run("a client without the subprotocol", func(t *testing.T) {
		c := dialWS(t, url, "graphql-ws")
		c.expectClose(closeBadSubprotocol)
	})
}

func TestShutdownClosesWebSockets(t *testing.T) {
	s, _ := newTestServer(t, nil)
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := dialWS(t, srv.URL)
	c.init(`{}`)
	c.send(`{"id":"1","type":"subscribe","payload":{"query":"subscription { forever }"}}`)
	c.expect("next")
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Shutdown(ctx) }()
	c.expectClose(websocket.StatusGoingAway)
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
}

func TestWebSocketUpgradeWithABadTokenIsRefused(t *testing.T) {
	url := startServer(t, nil)
	_, resp, err := websocket.Dial(t.Context(), "ws"+strings.TrimPrefix(url, "http")+"/graphql", &websocket.DialOptions{
		Subprotocols: []string{Subprotocol},
		HTTPHeader:   http.Header{"Authorization": {"Bearer bad"}},
	})
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("dial: %v, %v; want a 401", err, resp)
	}
}

func TestWebSocketBoundsOperationsPerConnection(t *testing.T) {
	c := dialWS(t, startServer(t, func(o *Options) { o.MaxSubscribers = 1 }))
	c.init(`{}`)
	c.send(`{"id":"1","type":"subscribe","payload":{"query":"subscription { forever }"}}`)
	c.expect("next")
	c.send(`{"id":"2","type":"subscribe","payload":{"query":"{ hello }"}}`)
	for {
		msg, code := c.read()
		switch {
		case code != 0:
			t.Fatalf("closed with %d", code)
		case msg.ID == "1" && msg.Type == "next":
			continue
		case msg.ID != "2" || msg.Type != "error":
			t.Fatalf("got %+v; want an error for operation 2", msg)
		case !strings.Contains(string(msg.Payload), CodeBadRequest) || !strings.Contains(string(msg.Payload), "at most 1"):
			t.Errorf("error %s; want BAD_REQUEST about the bound", msg.Payload)
		}
		return
	}
}
