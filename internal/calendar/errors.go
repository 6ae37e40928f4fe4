package calendar

// Error codes of the calendar context. They are stable.
const (
	CodeDatePassed         = "DATE_PASSED"          // a single change to today or an earlier date
	CodeDayAlreadyDeclared = "DAY_ALREADY_DECLARED" // the date is declared already (withdraw it first)
	CodeNotAWeekend        = "NOT_A_WEEKEND"        // an adjusted working day on Monday to Friday
)
