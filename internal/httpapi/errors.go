package httpapi

import (
	"context"
	"errors"
	"log/slog"

	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/location"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Codes this package puts in extensions.code, besides the domain codes that
// resolvers' *kernel.Error values carry through unchanged. They are stable.
const (
	CodeParseFailed      = "GRAPHQL_PARSE_FAILED"      // the document is not valid GraphQL syntax
	CodeValidationFailed = "GRAPHQL_VALIDATION_FAILED" // the document does not fit the schema
	CodeBadRequest       = "BAD_REQUEST"               // malformed request: JSON, parameters, variables, operation name, header
	CodeMethodNotAllowed = "METHOD_NOT_ALLOWED"        // a mutation over GET, or a method other than GET and POST
	CodeUnsupportedMedia = "UNSUPPORTED_MEDIA_TYPE"    // a POST body that is not application/json
	CodeNotAcceptable    = "NOT_ACCEPTABLE"            // Accept admits neither response media type
	CodeBodyTooLarge     = "BODY_TOO_LARGE"            // the body exceeds Options.MaxBodyBytes
	CodeDepthLimit       = "DEPTH_LIMIT_EXCEEDED"      // the operation nests deeper than Options.MaxDepth
	CodeCostLimit        = "COST_LIMIT_EXCEEDED"       // the operation's cost exceeds Options.MaxCost
	CodeTimeout          = "TIMEOUT"                   // execution ran past Options.Timeout
	CodeReadModelTimeout = "READ_MODEL_TIMEOUT"        // read models did not reach the requested position in time
	CodeStoreUnavailable = "STORE_UNAVAILABLE"         // the event store refuses writes for now (failed, being reopened); retry later
	CodeInternal         = kernel.CodeInternal         // anything else; details are logged, not shown
	CodeUnauthenticated  = kernel.CodeUnauthenticated  // a refused bearer token
)

const (
	internalErrorMessage   = "Internal error."
	extensionCode          = "code"
	extensionField         = "field"
	afterPositionExtension = "afterPosition"
)

// gqlError is one entry of a response's "errors" list.
type gqlError struct {
	Message    string                    `json:"message"`
	Locations  []location.SourceLocation `json:"locations,omitempty"`
	Path       []any                     `json:"path,omitempty"`
	Extensions map[string]any            `json:"extensions,omitempty"`
}

func newError(code, message string) gqlError {
	return gqlError{Message: message, Extensions: map[string]any{extensionCode: code}}
}

// fromFormatted keeps a graphql-go error's message and locations under code.
func fromFormatted(code string, fe gqlerrors.FormattedError) gqlError {
	e := newError(code, fe.Message)
	e.Locations = fe.Locations
	e.Path = fe.Path
	return e
}

// cause digs the error a resolver returned out of graphql-go's wrapping.
func cause(fe gqlerrors.FormattedError) error {
	err := fe.OriginalError()
	var located *gqlerrors.Error
	if errors.As(err, &located) && located.OriginalError != nil {
		return located.OriginalError
	}
	return err
}

func isContextError(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// mapFieldError turns an execution error into what the client sees: a
// *kernel.Error keeps its code, message and field; a deadline becomes TIMEOUT;
// an event store that is down becomes STORE_UNAVAILABLE, unlogged (the store
// logs the fault once); anything else is logged and shown as "Internal error.".
func mapFieldError(ctx context.Context, log *slog.Logger, fe gqlerrors.FormattedError) gqlError {
	err := cause(fe)
	var kerr *kernel.Error
	switch {
	case errors.As(err, &kerr):
		e := fromFormatted(kerr.Code, fe)
		e.Message = kerr.Message
		if kerr.Field != "" {
			e.Extensions[extensionField] = kerr.Field
		}
		return e
	case isContextError(err):
		e := fromFormatted(CodeTimeout, fe)
		e.Message = "The request took too long and was cancelled."
		return e
	case errors.Is(err, eventstore.ErrUnavailable):
		e := fromFormatted(CodeStoreUnavailable, fe)
		e.Message = "The exchange cannot record changes right now; try again shortly."
		return e
	default:
		log.ErrorContext(ctx, "graphql: resolver failed", "path", fe.Path, "error", fe.Message)
		e := fromFormatted(CodeInternal, fe)
		e.Message = internalErrorMessage
		return e
	}
}
