// Package kernel is the shared kernel of nongjiao's bounded contexts: the value
// types every context speaks (Money in fen, Area in hundredths of a mu), the
// domain error with its stable codes, the event and command shapes the deciders
// use, the codec registry that turns events into JSON and back, and the working-day
// calendar of Asia/Shanghai.
//
// It also holds the rules every context shares about what a caller may send
// and what a refusal says: free text is limited by kind in characters
// (CheckText; a command lists its text with Texts and every decider calls
// CheckCommandText first), and a refusal that quotes a limit quotes a value on
// its accepted side (EarliestAt, LatestAt, MonthsWithin) so the caller can send
// it back as it is.
//
// It does no I/O. Time never comes from time.Now here: callers pass it in, usually
// from a Clock.
package kernel
