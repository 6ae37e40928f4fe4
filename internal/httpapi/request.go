package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// Media types of responses.
const (
	mediaGraphQLResponse = "application/graphql-response+json"
	mediaJSON            = "application/json"
)

// PositionHeader names the request header carrying the event-store position a
// query must see (read-your-writes). The same value may be sent in the
// request's extensions as "afterPosition".
const PositionHeader = "X-Nongjiao-After-Position"

// params are a GraphQL request's parameters, from a GET query string, a POST
// body or a WebSocket subscribe message.
type params struct {
	Query         string
	OperationName string
	Variables     map[string]any
	Extensions    map[string]any
}

// httpError is a request refused before GraphQL execution: the status and the
// errors to send.
type httpError struct {
	status  int
	graphql bool // a GraphQL request error (the HTTP request itself was well formed)
	errs    []gqlError
}

func refuse(status int, code, format string, args ...any) *httpError {
	return &httpError{status: status, errs: []gqlError{newError(code, fmt.Sprintf(format, args...))}}
}

// rawParams holds each parameter as whatever JSON value it is, so its type
// can be checked after one pass of the decoder over the body.
type rawParams struct {
	Query         any `json:"query"`
	OperationName any `json:"operationName"`
	Variables     any `json:"variables"`
	Extensions    any `json:"extensions"`
}

// decodeParams checks the types the GraphQL-over-HTTP spec requires: query a
// string; operationName a string or null; variables and extensions maps or null.
func decodeParams(raw rawParams) (params, *httpError) {
	var p params
	switch q := raw.Query.(type) {
	case nil:
		return p, refuse(http.StatusBadRequest, CodeBadRequest, "the request has no query")
	case string:
		p.Query = q
	default:
		return p, refuse(http.StatusBadRequest, CodeBadRequest, "query must be a string")
	}
	switch name := raw.OperationName.(type) {
	case nil:
	case string:
		p.OperationName = name
	default:
		return p, refuse(http.StatusBadRequest, CodeBadRequest, "operationName must be a string or null")
	}
	var err *httpError
	if p.Variables, err = asMap("variables", raw.Variables); err != nil {
		return p, err
	}
	if p.Extensions, err = asMap("extensions", raw.Extensions); err != nil {
		return p, err
	}
	return p, nil
}

func asMap(name string, v any) (map[string]any, *httpError) {
	switch m := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return m, nil
	}
	return nil, refuse(http.StatusBadRequest, CodeBadRequest, "%s must be a JSON object or null", name)
}

// queryJSON decodes the JSON object of a GET request's parameter name; an
// absent, empty or null one is nil.
func queryJSON(name, text string) (any, *httpError) {
	if text == "" || text == "null" {
		return nil, nil
	}
	var v any
	if text[0] != '{' || json.Unmarshal([]byte(text), &v) != nil {
		return nil, refuse(http.StatusBadRequest, CodeBadRequest, "%s must be a JSON object or null", name)
	}
	return v, nil
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || bytes.Equal(raw, []byte("null"))
}

// readParams reads a GET or POST request's parameters.
func readParams(r *http.Request, maxBody int64) (params, *httpError) {
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		raw := rawParams{}
		if q.Has("query") {
			raw.Query = q.Get("query")
		}
		if name := q.Get("operationName"); name != "" {
			raw.OperationName = name
		}
		var herr *httpError
		if raw.Variables, herr = queryJSON("variables", q.Get("variables")); herr != nil {
			return params{}, herr
		}
		if raw.Extensions, herr = queryJSON("extensions", q.Get("extensions")); herr != nil {
			return params{}, herr
		}
		return decodeParams(raw)
	case http.MethodPost:
		mediaType, mt, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mediaType != mediaJSON {
			return params{}, refuse(http.StatusUnsupportedMediaType, CodeUnsupportedMedia,
				"a POST body must be application/json")
		}
		if cs, ok := mt["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
			return params{}, refuse(http.StatusUnsupportedMediaType, CodeUnsupportedMedia,
				"a POST body must be encoded in utf-8, not %s", cs)
		}
		body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return params{}, refuse(http.StatusRequestEntityTooLarge, CodeBodyTooLarge,
					"the request body exceeds %d bytes", maxBody)
			}
			return params{}, refuse(http.StatusBadRequest, CodeBadRequest, "reading the request body: %v", err)
		}
		var raw rawParams
		if err := json.Unmarshal(body, &raw); err != nil {
			return params{}, refuse(http.StatusBadRequest, CodeBadRequest, "the body is not a JSON object: %v", err)
		}
		return decodeParams(raw)
	default:
		return params{}, refuse(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "use GET or POST")
	}
}

// negotiate picks the response media type from the Accept header:
// application/graphql-response+json when the client lists it at least as high
// as application/json, application/json when Accept is absent or only admits
// it (directly or by a wildcard), and "" when neither is acceptable.
func negotiate(accept string) string {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON
	}
	var qResponse, qJSON float64
	for _, part := range strings.Split(accept, ",") {
		mediaType, mt, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := mt["q"]; ok {
			if v, err := strconv.ParseFloat(s, 64); err == nil {
				q = v
			}
		}
		switch mediaType {
		case mediaGraphQLResponse:
			qResponse = max(qResponse, q)
		case mediaJSON, "application/*", "*/*":
			qJSON = max(qJSON, q)
		}
	}
	switch {
	case qResponse > 0 && qResponse >= qJSON:
		return mediaGraphQLResponse
	case qJSON > 0:
		return mediaJSON
	}
	return ""
}

// afterPosition reads the read-your-writes position from the header or, if
// absent, the "afterPosition" extension (a number or a string of digits).
// It returns false when the request names none.
func afterPosition(header string, ext map[string]any) (uint64, bool, *httpError) {
	text := strings.TrimSpace(header)
	if text == "" {
		switch v := ext[afterPositionExtension].(type) {
		case nil:
			return 0, false, nil
		case string:
			text = v
		case float64:
			text = strconv.FormatFloat(v, 'f', -1, 64)
		default:
			text = fmt.Sprint(v)
		}
	}
	pos, err := strconv.ParseUint(text, 10, 64)
	if err != nil {
		return 0, false, refuse(http.StatusBadRequest, CodeBadRequest,
			"%s / extensions.%s must be a non-negative integer, got %q", PositionHeader, afterPositionExtension, text)
	}
	return pos, true, nil
}
