package kernel

import (
	"errors"
	"fmt"
)

// Generic error codes shared by every context. Contexts add their own codes
// (for example listing.CodeBidBelowMinimum = "BID_BELOW_MINIMUM"); every code is
// stable: clients match on it, so a code is never renamed once released.
const (
	CodeInvalid         = "INVALID_INPUT"   // a field is missing, malformed or out of range
	CodeNotFound        = "NOT_FOUND"       // the aggregate or item does not exist
	CodeConflict        = "CONFLICT"        // a concurrent write won; retry
	CodeForbidden       = "FORBIDDEN"       // the actor may not do this
	CodeUnauthenticated = "UNAUTHENTICATED" // no or bad credentials
	CodeInvalidState    = "INVALID_STATE"   // the command does not fit the aggregate's current state
	CodeInternal        = "INTERNAL"        // a bug or an outage; details are logged, not shown
)

// Error is the one domain error type. Code is stable and machine-readable,
// Message is for people, Field names the offending input field when there is one.
type Error struct {
	Code    string
	Message string
	Field   string
}

// Error implements error.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (field %s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns an *Error about one input field.
func FieldErrorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, "" for nil and
// CodeInternal for any other error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the message of the first *Error in err's chain, and
// "Internal error." for any other error, so internals never reach users.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
