// Package kernel is the shared kernel of nongjiao's bounded contexts: the value
// types every context speaks (Money in fen, Area in hundredths of a mu), the
// domain error with its stable codes, the event and command shapes the deciders
// use, the codec registry that turns events into JSON and back, and the working-day
// calendar of Asia/Shanghai.
//
// It does no I/O. Time never comes from time.Now here: callers pass it in, usually
// from a Clock.
package kernel
