package auth

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// TokenVerifier checks a bearer token and names its Principal; *Verifier is one.
type TokenVerifier interface {
	Verify(token string) (Principal, error)
}

// Middleware authenticates requests to next. A request without an
// Authorization header reaches next anonymously. "Authorization: Bearer
// <token>" with a token v accepts reaches next with the Principal in its
// context (see FromContext). Any other Authorization header, or a token v
// refuses, is answered here with 401, a WWW-Authenticate challenge and a
// GraphQL-shaped body: {"errors":[{"message":…,"extensions":{"code":"UNAUTHENTICATED"}}]}.
func Middleware(v TokenVerifier, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := r.Header.Get("Authorization")
		if header == "" {
			next.ServeHTTP(w, r)
			return
		}
		p, err := VerifyHeader(v, header)
		if err != nil {
			writeUnauthenticated(w, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
	})
}

// VerifyHeader verifies an Authorization header value of the form
// "Bearer <token>" (the scheme is case-insensitive). Errors are *kernel.Error
// with code kernel.CodeUnauthenticated.
func VerifyHeader(v TokenVerifier, header string) (Principal, error) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return Principal{}, kernel.Errorf(kernel.CodeUnauthenticated, `authorization header must be "Bearer <token>"`)
	}
	return v.Verify(token)
}

func writeUnauthenticated(w http.ResponseWriter, err error) {
	body, _ := json.Marshal(map[string]any{
		"errors": []any{map[string]any{
			"message":    kernel.ErrorMessage(err),
			"extensions": map[string]string{"code": kernel.CodeUnauthenticated},
		}},
	})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write(body)
}
