// Package calendar is the API area of the official working-day calendar:
// the public `calendar` query (a year's holidays and adjusted working days)
// and `workingDaysAfter` (the deadline a number of working days from an
// instant makes under the calendar in force), and the exchange's mutations
// that declare and withdraw days (declareHoliday, declareWorkingDay,
// withdrawCalendarDay). Both queries read the calendar aggregate itself
// through the command side, so a declaration is visible to the next request.
package calendar
