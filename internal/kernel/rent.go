package kernel

import "math"

// StepUp raises a yearly rent by Percent every EveryYears years, compounded
// and rounded to the fen at each step (rule 25: a lease's optional step-up).
// The zero value raises nothing.
type StepUp struct {
	EveryYears int
	Percent    int64 // 1 to 100
}

// Validate refuses a step-up with only one of its two numbers, or a
// percentage outside 1–100; field names the step-up in the error.
func (s StepUp) Validate(field string) error {
	switch {
	case s == StepUp{}:
		return nil
	case s.EveryYears <= 0 || s.Percent <= 0:
		return FieldErrorf(CodeInvalid, field, "a step-up needs both a period in years and a percentage")
	case s.Percent > 100:
		return FieldErrorf(CodeInvalid, field, "a step-up is between 1 and 100 percent")
	}
	return nil
}

// Rent returns the rent of year y (0-based) of a term whose first year's rent
// is first. It refuses a rent beyond limit (and so never overflows).
func (s StepUp) Rent(first Money, y int, limit Money) (Money, error) {
	limit = min(limit, math.MaxInt64/2)
	if first > limit {
		return 0, FieldErrorf(CodeInvalid, "amount", "a yearly rent of %s is beyond %s", first, limit)
	}
	if s.EveryYears <= 0 || s.Percent <= 0 {
		return first, nil
	}
	for range y / s.EveryYears {
		if first = first.MulRatio(100+s.Percent, 100); first > limit {
			return 0, FieldErrorf(CodeInvalid, "amount", "the stepped-up rent of year %d is beyond %s", y+1, limit)
		}
	}
	return first, nil
}
