package kernel

import (
	"unicode"
	"unicode/utf8"
)

// Codes of refused free text. They are stable.
const (
	CodeTextTooLong = "TEXT_TOO_LONG" // more characters than the field's kind allows
	CodeInvalidText = "INVALID_TEXT"  // not valid UTF-8, or a control character where none may be
)

// Limits on free text, in characters (runes, so 100 Chinese characters fit
// in a name as well as 100 Latin letters), by kind of text.
const (
	MaxReferenceRunes   = 64   // numbers, references, credentials, idempotency keys
	MaxNameRunes        = 100  // names, titles, place names, sources
	MaxReasonRunes      = 500  // reasons and notes
	MaxDescriptionRunes = 2000 // descriptions
)

// TextKind is a kind of free text; it sets the length limit and whether line
// breaks and tabs are allowed.
type TextKind int

// The kinds of free text.
const (
	Reference   TextKind = iota // one line, MaxReferenceRunes
	Name                        // one line, MaxNameRunes
	Reason                      // several lines, MaxReasonRunes
	Description                 // several lines, MaxDescriptionRunes
)

// MaxRunes is the most characters a text of kind k may have.
func (k TextKind) MaxRunes() int {
	return [...]int{Reference: MaxReferenceRunes, Name: MaxNameRunes, Reason: MaxReasonRunes, Description: MaxDescriptionRunes}[k]
}

func (k TextKind) multiline() bool { return k == Reason || k == Description }

// Text is one free-text input: the field it came in, its kind and its value.
type Text struct {
	Field string
	Kind  TextKind
	Value string
}

// ReasonText is the free text of a command whose only text is its reason,
// reported under the field "reason".
func ReasonText(reason string) []Text {
	return []Text{{Field: "reason", Kind: Reason, Value: reason}}
}

// CheckText returns a *Error about the first text that is too long
// (TEXT_TOO_LONG) or not clean text (INVALID_TEXT: invalid UTF-8, or a control
// character other than a line break or tab in a text of several lines), and
// nil when all are acceptable. Emptiness is the caller's rule, not checked here.
func CheckText(texts ...Text) error {
	for _, t := range texts {
		if err := t.check(); err != nil {
			return err
		}
	}
	return nil
}

func (t Text) check() *Error {
	if !utf8.ValidString(t.Value) {
		return FieldErrorf(CodeInvalidText, t.Field, "%s is not valid UTF-8 text", t.Field)
	}
	n := 0
	for _, r := range t.Value {
		n++
		if unicode.IsControl(r) && !(t.Kind.multiline() && (r == '\n' || r == '\r' || r == '\t')) {
			return FieldErrorf(CodeInvalidText, t.Field, "%s contains the control character %U at character %d; %s",
				t.Field, r, n, t.Kind.allowed())
		}
	}
	if max := t.Kind.MaxRunes(); n > max {
		return FieldErrorf(CodeTextTooLong, t.Field, "%s is %d characters long; at most %d characters are accepted", t.Field, n, max)
	}
	return nil
}

func (k TextKind) allowed() string {
	if k.multiline() {
		return "of the control characters only line breaks and tabs are allowed"
	}
	return "it must be one line without control characters"
}

// TextCommand is a command that carries free text: Texts lists every text
// field with the name the decider reports it under.
type TextCommand interface {
	Texts() []Text
}

// CheckCommandText checks the free text of c (see CheckText) when c is a
// TextCommand; every decider calls it before deciding.
func CheckCommandText(c any) error {
	if tc, ok := c.(TextCommand); ok {
		return CheckText(tc.Texts()...)
	}
	return nil
}
