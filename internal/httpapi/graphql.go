package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/readmodel/changes"
)

// operation is a request ready to execute: a valid document, the operation
// selected in it, and the request's variables.
type operation struct {
	doc  *document
	def  *ast.OperationDefinition
	kind string   // ast.OperationTypeQuery, …Mutation or …Subscription
	plan compiled // the compiled query or mutation, if any
	p    params
}

// prepare parses and validates p.Query (or takes both from the cache), selects
// the operation and checks the depth and cost limits. Every refusal is a
// GraphQL request error (httpError.graphql is true).
func (s *Server) prepare(p params) (*operation, *httpError) {
	doc, ok := s.cache.get(p.Query)
	if !ok {
		parsed, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{
			Body: []byte(p.Query), Name: "GraphQL request",
		})})
		if err != nil {
			return nil, requestError(fromFormatted(CodeParseFailed, gqlerrors.FormatError(err)))
		}
		var invalid []gqlError
		if res := graphql.ValidateDocument(s.schema, parsed, nil); !res.IsValid {
			for _, fe := range res.Errors {
				invalid = append(invalid, s.withScalarForms(fromFormatted(CodeValidationFailed, fe)))
			}
		}
		doc = newDocument(parsed, invalid, s.compile)
		s.cache.put(p.Query, doc)
	}
	if doc.invalid != nil {
		return nil, &httpError{status: http.StatusBadRequest, graphql: true, errs: doc.invalid}
	}
	def, ok := doc.operation(p.OperationName)
	if !ok {
		if p.OperationName == "" {
			return nil, requestError(newError(CodeBadRequest, "the document has several operations: name one in operationName"))
		}
		return nil, requestError(newError(CodeBadRequest, "the document has no operation named "+strconv.Quote(p.OperationName)))
	}
	depth, cost := measure(def.SelectionSet, doc.fragments, p.Variables)
	if depth > s.opts.MaxDepth {
		return nil, requestError(newError(CodeDepthLimit,
			"the operation nests "+strconv.Itoa(depth)+" fields deep; the limit is "+strconv.Itoa(s.opts.MaxDepth)))
	}
	if cost > s.opts.MaxCost {
		return nil, requestError(newError(CodeCostLimit,
			"the operation costs "+strconv.Itoa(cost)+"; the limit is "+strconv.Itoa(s.opts.MaxCost)+
				" (each field costs 1, and a field's selections count \"first\" times)"))
	}
	return &operation{doc: doc, def: def, kind: def.Operation, plan: doc.plans[def], p: p}, nil
}

func requestError(e gqlError) *httpError {
	return &httpError{status: http.StatusBadRequest, graphql: true, errs: []gqlError{e}}
}

// planBuffer is the least capacity a compiled query's response starts with
// (more when its last response was longer);
// mutationBuffer a compiled mutation's, whose payloads are a few ids and a
// position (a bid's response is about 60 bytes: 4 KiB for each was a fifth
// of the bytes a bid load allocated).
const (
	planBuffer     = 4 << 10
	mutationBuffer = 256
)

// dataPrefix starts the response of a compiled operation.
const dataPrefix = `{"data":`

// answer runs a prepared query or mutation and encodes its response: with
// its compiled Plan or MutationPlan when that accepts the request, else
// with graphql-go (executeBy), under one per-request timeout. clean reports
// a response without errors.
func (s *Server) answer(ctx context.Context, op *operation) (body []byte, status int, clean bool, herr *httpError) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	if op.plan.query != nil {
		last := int(op.plan.size.Load())
		buf := make([]byte, 0, max(planBuffer, last+last/8))
		if body, ok := op.plan.query(ctx, op.p.Variables, append(buf, dataPrefix...)); ok {
			s.metrics.compiled.WithLabelValues("answered").Inc()
			body = append(body, '}')
			op.plan.size.Store(int64(len(body)))
			return body, http.StatusOK, true, nil
		}
		s.metrics.compiled.WithLabelValues("declined").Inc()
	}
	if op.plan.mutation != nil {
		if run, ok := op.plan.mutation(op.p.Variables); ok {
			// From here the mutation may have been sent: graphql-go must
			// never execute it again, whatever the run answers.
			s.metrics.compiled.WithLabelValues("answered").Inc()
			return s.runMutation(ctx, run)
		}
		s.metrics.compiled.WithLabelValues("declined").Inc()
	}
	return s.encodeResponse(s.executeBy(ctx, op))
}

// runMutation answers with a compiled mutation's run what graphql-go's path
// answers for the same outcome. graphql-go answers TIMEOUT once the
// deadline passes, whatever its resolvers do after, so a run that ends
// after the deadline answers TIMEOUT too (its resolvers saw the deadline in
// their context).
func (s *Server) runMutation(ctx context.Context, run MutationRun) ([]byte, int, bool, *httpError) {
	body, errs := run(ctx, append(make([]byte, 0, mutationBuffer), dataPrefix...))
	if len(errs) == 0 && ctx.Err() == nil {
		return append(body, '}'), http.StatusOK, true, nil
	}
	res := &graphql.Result{Errors: errs}
	if err := ctx.Err(); err != nil {
		res.Errors = gqlerrors.FormatErrors(err)
	} else if data := body[len(dataPrefix):]; string(data) != "null" {
		res.Data = json.RawMessage(data)
	}
	return s.encodeResponse(s.result(ctx, res))
}

// encodeResponse encodes res, or passes herr on.
func (s *Server) encodeResponse(res response, herr *httpError) (body []byte, status int, clean bool, _ *httpError) {
	if herr != nil {
		return nil, 0, false, herr
	}
	body, status = s.encode(res)
	return body, status, len(res.errs) == 0, nil
}

// execute runs a prepared query or mutation with graphql-go under the
// per-request timeout.
func (s *Server) execute(ctx context.Context, op *operation) (response, *httpError) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	return s.executeBy(ctx, op)
}

// executeBy runs a prepared query or mutation with graphql-go by ctx's
// deadline.
func (s *Server) executeBy(ctx context.Context, op *operation) (response, *httpError) {
	res := graphql.Execute(graphql.ExecuteParams{
		Schema:        *s.schema,
		AST:           op.doc.ast,
		OperationName: op.p.OperationName,
		Args:          op.p.Variables,
		Context:       ctx,
	})
	return s.result(ctx, res)
}

// result maps an execution result to a response, or to a request error when
// execution never started (variables that do not coerce) or was cut off by
// the timeout.
func (s *Server) result(ctx context.Context, res *graphql.Result) (response, *httpError) {
	if res.Data == nil && len(res.Errors) > 0 {
		for _, fe := range res.Errors {
			if isContextError(cause(fe)) {
				return response{}, &httpError{status: http.StatusGatewayTimeout, graphql: true, errs: []gqlError{
					newError(CodeTimeout, "the request took longer than "+s.opts.Timeout.String()+" and was cancelled"),
				}}
			}
		}
		if !anyHasPath(res.Errors) {
			// Execution did not start: graphql-go refused the variables, or a
			// subscription's source stream could not be created.
			errs := make([]gqlError, len(res.Errors))
			for i, fe := range res.Errors {
				if isRequestError(fe) {
					errs[i] = s.withScalarForms(fromFormatted(CodeBadRequest, fe))
				} else {
					errs[i] = mapFieldError(ctx, s.log, fe)
				}
			}
			return response{}, &httpError{status: http.StatusBadRequest, graphql: true, errs: errs}
		}
	}
	out := response{hasData: true, data: res.Data}
	for _, fe := range res.Errors {
		out.errs = append(out.errs, mapFieldError(ctx, s.log, fe))
	}
	return out, nil
}

// isRequestError reports whether graphql-go itself raised fe about the request
// (it wraps those in a *gqlerrors.Error without a cause), rather than passing
// on a resolver's error.
func isRequestError(fe gqlerrors.FormattedError) bool {
	var located *gqlerrors.Error
	return errors.As(fe.OriginalError(), &located) && located.OriginalError == nil
}

func anyHasPath(errs []gqlerrors.FormattedError) bool {
	for _, fe := range errs {
		if len(fe.Path) > 0 {
			return true
		}
	}
	return false
}

// response is a GraphQL response; data is left out entirely (not null) when
// hasData is false, as the spec requires for request errors.
type response struct {
	hasData bool
	data    any
	errs    []gqlError
}

// MarshalJSON implements json.Marshaler.
func (r response) MarshalJSON() ([]byte, error) {
	if !r.hasData {
		return json.Marshal(struct {
			Errors []gqlError `json:"errors"`
		}{r.errs})
	}
	return json.Marshal(struct {
		Data   any        `json:"data"`
		Errors []gqlError `json:"errors,omitempty"`
	}{r.data, r.errs})
}

// serveGraphQL serves /graphql: WebSocket upgrades, GET and POST.
func (s *Server) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	if isWebSocketUpgrade(r) {
		s.serveWebSocket(w, r)
		return
	}
	start := s.clock.Now()
	kind := "unknown"
	media := negotiate(r.Header.Get("Accept"))
	status := s.serveRequest(w, r, media, &kind)
	s.metrics.observe(kind, status, s.clock.Now().Sub(start))
}

// serveRequest answers one GET or POST and returns the status it sent; it
// stores the operation type in *kind once known.
func (s *Server) serveRequest(w http.ResponseWriter, r *http.Request, media string, kind *string) int {
	if media == "" {
		return s.write(w, mediaJSON, refuse(http.StatusNotAcceptable, CodeNotAcceptable,
			"Accept must admit %s or %s", mediaGraphQLResponse, mediaJSON))
	}
	p, herr := readParams(r, s.opts.MaxBodyBytes)
	if herr != nil {
		if herr.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", "GET, POST")
		}
		return s.write(w, media, herr)
	}
	op, herr := s.prepare(p)
	if herr != nil {
		return s.write(w, media, herr)
	}
	*kind = op.kind
	switch {
	case op.kind == ast.OperationTypeMutation && r.Method != http.MethodPost:
		w.Header().Set("Allow", "POST")
		return s.write(w, media, refuse(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "mutations must be sent with POST"))
	case op.kind == ast.OperationTypeSubscription:
		herr := refuse(http.StatusBadRequest, CodeBadRequest, "subscriptions are served over WebSocket (graphql-transport-ws) at /graphql")
		herr.graphql = true
		return s.write(w, media, herr)
	}
	ctx := r.Context()
	if op.kind == ast.OperationTypeQuery {
		if herr := s.awaitPosition(ctx, r.Header.Get(PositionHeader), p.Extensions); herr != nil {
			return s.write(w, media, herr)
		}
	}
	key, cacheable := "", false
	var since uint64
	var reads *changes.Reads
	if s.results != nil {
		principal, ok := auth.FromContext(ctx)
		if key, cacheable = resultKey(op, s.opts.Cacheable, principal, ok); cacheable {
			if body, hit := s.results.get(key); hit {
				s.metrics.results.WithLabelValues("hit").Inc()
				return s.sendBody(w, media, http.StatusOK, body)
			}
			s.metrics.results.WithLabelValues("miss").Inc()
			since = s.opts.Changes.Now() // before executing: the result is at least this fresh
			ctx, reads = changes.Track(ctx)
		}
	}
	body, status, clean, herr := s.answer(ctx, op)
	if herr != nil {
		return s.write(w, media, herr)
	}
	if cacheable && status == http.StatusOK && clean {
		s.results.put(key, body, since, reads)
	}
	return s.sendBody(w, media, status, body)
}

// awaitPosition waits, boundedly, for the read models to reach the position
// the request names, if it names one and the server has a WaitFunc.
func (s *Server) awaitPosition(ctx context.Context, header string, ext map[string]any) *httpError {
	pos, ok, herr := afterPosition(header, ext)
	if herr != nil {
		herr.graphql = true
		return herr
	}
	if !ok || s.opts.WaitFunc == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.WaitTimeout)
	defer cancel()
	err := s.opts.WaitFunc(ctx, pos)
	switch {
	case err == nil:
		return nil
	case isContextError(err):
		herr := refuse(http.StatusGatewayTimeout, CodeReadModelTimeout,
			"the read models did not reach position %d within %s; retry", pos, s.opts.WaitTimeout)
		herr.graphql = true
		return herr
	default:
		s.log.ErrorContext(ctx, "graphql: waiting for read models failed", "position", pos, "error", err)
		herr := refuse(http.StatusInternalServerError, CodeInternal, internalErrorMessage)
		herr.graphql = true
		return herr
	}
}

// write sends a refusal. A GraphQL request error goes out with 200 under
// application/json (as the spec asks) and with its own status under
// application/graphql-response+json; other refusals keep their status.
func (s *Server) write(w http.ResponseWriter, media string, herr *httpError) int {
	status := herr.status
	if herr.graphql && media == mediaJSON {
		status = http.StatusOK
	}
	return s.send(w, media, status, response{errs: herr.errs})
}

func (s *Server) send(w http.ResponseWriter, media string, status int, res response) int {
	body, encStatus := s.encode(res)
	if encStatus != http.StatusOK {
		status = encStatus
	}
	return s.sendBody(w, media, status, body)
}

// encode returns res as JSON, or an internal error (and status 500) when it
// does not encode.
func (s *Server) encode(res response) ([]byte, int) {
	// MarshalJSON directly: json.Marshal(res) would scan its output once
	// more to check and compact it.
	body, err := res.MarshalJSON()
	if err != nil {
		s.log.Error("graphql: encoding the response failed", "error", err)
		body, _ = json.Marshal(response{errs: []gqlError{newError(CodeInternal, internalErrorMessage)}})
		return body, http.StatusInternalServerError
	}
	return body, http.StatusOK
}

func (s *Server) sendBody(w http.ResponseWriter, media string, status int, body []byte) int {
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return status
}
