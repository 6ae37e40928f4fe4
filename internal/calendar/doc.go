// Package calendar is the exchange's official working-day calendar: the public
// holidays and the adjusted working days (weekend days worked in exchange for
// a longer holiday, 调休上班) of the State Council's yearly notice, kept as
// events of one aggregate (category "calendar", stream id ID) that the exchange
// maintains. Every other day is a working day from Monday to Friday and a rest
// day on Saturday and Sunday.
//
// Decide and Evolve are pure. The exchange declares a holiday
// (DeclareHoliday), an adjusted working day (DeclareWorkingDay) or withdraws
// either (WithdrawDay), one future date at a time; ImportDays records a
// published notice at once, past dates included, and is idempotent: days
// already declared alike are skipped, and an import that adds nothing writes
// nothing. State.Calendar is the kernel.Calendar every working-day deadline is
// counted with; the application gathers it when a command is decided, and the
// deciders record each deadline they compute in their events, so a change to
// the calendar moves only deadlines computed after it.
//
// Refusals: INVALID_INPUT (a malformed date, an unknown kind, a missing name
// or reason, an empty import, one date twice in an import), DATE_PASSED (a
// single declaration or withdrawal of today or an earlier date: the past is
// settled), DAY_ALREADY_DECLARED (the date is declared already, or an import
// states it otherwise), NOT_A_WEEKEND (an adjusted working day on Monday to
// Friday, which is a working day anyway), NOT_FOUND (withdrawing a date not
// declared), and the free-text codes of kernel.CheckText.
//
// Official holds the notices built into the binary (ParseCSV reads the same
// format from a file).
package calendar
