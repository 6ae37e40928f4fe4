package lending

import (
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Decider is the loan aggregate (category "loan").
var Decider = kernel.Decider[State, Command]{Category: "loan", Decide: Decide, Evolve: Evolve}

// Decide decides a loan command at now. It returns the new events or a
// *kernel.Error; a refused command emits nothing.
func Decide(s State, c Command, now time.Time) ([]kernel.Event, error) {
	now = now.UTC()
	if err := kernel.CheckCommandText(c); err != nil {
		return nil, err
	}
	if a, ok := c.(ApplyForLoan); ok {
		return apply(s, a, now)
	}
	if !s.Exists() {
		return nil, kernel.Errorf(kernel.CodeNotFound, "loan %s not found", c.AggregateID())
	}
	switch c := c.(type) {
	case ValueCollateral:
		return s.value(c, now)
	case ApproveLoan:
		return s.approve(c, now)
	case RejectLoan:
		if err := s.expect(c.By, StatusApplied, StatusValued); err != nil {
			return nil, err
		}
		return []kernel.Event{LoanRejected{LoanID: s.ID, Reason: c.Reason, At: now}}, nil
	case RecordCollateralRegistered:
		if err := s.inStatus(StatusApproved); err != nil {
			return nil, err
		}
		if c.RegistrationID == uuid.Nil {
			return nil, kernel.FieldErrorf(kernel.CodeInvalid, "registrationId", "registration id is required")
		}
		return []kernel.Event{LoanCollateralRegistered{LoanID: s.ID, RegistrationID: c.RegistrationID, At: now}}, nil
	case DisburseLoan:
		return s.disburse(c, now)
	case RepayLoan:
		return s.repay(c, now)
	case MarkOverdue:
		if err := s.inStatus(StatusRepaying); err != nil {
			return nil, err
		}
		if !s.pastDue(now) {
			return nil, kernel.Errorf(CodeNotYetDue, "no instalment is past due")
		}
		i := s.Schedule[s.OldestUnpaid()]
		return []kernel.Event{LoanOverdue{LoanID: s.ID, Instalment: i.No, DueDate: i.DueDate, AmountDue: i.Unpaid(), At: now}}, nil
	case DeclareDefault:
		return s.declareDefault(now)
	case RecordRecovery:
		return s.recover(c, now)
	case WriteOff:
		if err := s.expect(c.By, StatusDefaulted); err != nil {
			return nil, err
		}
		return []kernel.Event{LoanWrittenOff{LoanID: s.ID, Principal: s.ClaimPrincipal, Interest: s.ClaimInterest, At: now}}, nil
	}
	return nil, kernel.Errorf(kernel.CodeInvalid, "unknown loan command %T", c)
}

// expect checks that by is the loan's bank and the loan is in one of statuses.
func (s State) expect(by uuid.UUID, statuses ...Status) error {
	if by != s.Bank {
		return kernel.Errorf(kernel.CodeForbidden, "only the lending bank may do this")
	}
	return s.inStatus(statuses...)
}

// inStatus checks that the loan is in one of statuses.
func (s State) inStatus(statuses ...Status) error {
	for _, st := range statuses {
		if s.Status == st {
			return nil
		}
	}
	return kernel.Errorf(kernel.CodeInvalidState, "loan %s is %s", s.ID, s.Status)
}

func apply(s State, c ApplyForLoan, now time.Time) ([]kernel.Event, error) {
	if s.Exists() {
		return nil, kernel.Errorf(kernel.CodeInvalidState, "loan %s already exists", c.LoanID)
	}
	switch {
	case c.LoanID == uuid.Nil || c.Borrower == uuid.Nil || c.Bank == uuid.Nil:
		return nil, kernel.Errorf(kernel.CodeInvalid, "loan, borrower and bank ids are required")
	case c.Product.Bank != c.Bank:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "product", "the product is not the bank's")
	case !c.Product.Active:
		return nil, kernel.Errorf(CodeProductWithdrawn, "product %s takes no applications", c.Product.ProductID)
	case c.Collateral.AssetID == uuid.Nil || !c.Collateral.AssetType.Tradable():
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "collateral", "collateral must be a tradable rural property right")
	case c.Collateral.RightsEndDate.IsZero():
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "collateral.rightsEndDate", "the right's end date is required")
	case !c.Method.Valid():
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "method", "unknown repayment method %q", c.Method)
	case c.Amount <= 0:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "amount", "amount must be positive")
	case c.TermMonths < 1:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "termMonths", "term must be at least one month")
	case c.Collateral.AssetType == kernel.AssetCollectiveShares && c.Collateral.MaxTermMonths < 1:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "collateral.maxTermMonths", "a loan secured by shares needs the cooperative's pledged-loan term")
	case c.Collateral.MaxTermMonths > 0 && c.TermMonths > c.Collateral.MaxTermMonths:
		return nil, kernel.FieldErrorf(CodePledgedLoanTermExceeded, "termMonths", "a loan secured by shares runs at most %d months (rule 18)", c.Collateral.MaxTermMonths)
	}
	tier, ok := c.Product.Terms.TierFor(c.Credential)
	if !ok {
		return nil, kernel.FieldErrorf(CodeNoTierForCredential, "credential", "product has no tier for credential %q", c.Credential)
	}
	if c.Amount > tier.CreditLine {
		return nil, kernel.FieldErrorf(CodeCreditLineExceeded, "amount", "amount %s exceeds the %s tier's credit line %s", c.Amount, tier.Credential, tier.CreditLine)
	}
	if c.TermMonths > tier.MaxTermMonths {
		return nil, kernel.FieldErrorf(CodeTermExceedsProduct, "termMonths", "term %d exceeds the tier's %d months", c.TermMonths, tier.MaxTermMonths)
	}
	col := c.Collateral
	col.RightsEndDate = CivilDate(col.RightsEndDate)
	return []kernel.Event{LoanApplied{
		LoanID: c.LoanID, Borrower: c.Borrower, Bank: c.Bank, Product: c.Product, Credential: c.Credential, Tier: tier,
		Amount: c.Amount, TermMonths: c.TermMonths, Method: c.Method, Collateral: col, At: now,
	}}, nil
}

func (s State) value(c ValueCollateral, now time.Time) ([]kernel.Event, error) {
	if err := s.expect(c.By, StatusApplied, StatusValued); err != nil {
		return nil, err
	}
	if c.Value <= 0 || c.Appraiser == uuid.Nil {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "value", "a positive value and the appraiser are required")
	}
	return []kernel.Event{CollateralValued{LoanID: s.ID, Value: c.Value, Appraiser: c.Appraiser, At: now}}, nil
}

// approve enforces the loan-to-value cap, rule 7 (consent) and rule 9 (term
// within the pledged right, rent paid). The amount is at most the requested
// amount, which application already held within the tier's credit line.
func (s State) approve(c ApproveLoan, now time.Time) ([]kernel.Event, error) {
	if s.Status == StatusApplied {
		return nil, kernel.Errorf(CodeNotValued, "the collateral has not been valued")
	}
	if err := s.expect(c.By, StatusValued); err != nil {
		return nil, err
	}
	if c.Amount <= 0 || c.Amount > s.Requested {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "amount", "approved amount must be between 0.01 and the requested %s", s.Requested)
	}
	q, _ := kernel.MulDivFloor(int64(s.AppraisedValue), int64(s.Product.Terms.LTVBP), bpPerUnit)
	maxByLTV := kernel.Money(q)
	if c.Amount > maxByLTV {
		return nil, kernel.FieldErrorf(CodeLTVExceeded, "amount", "amount %s exceeds %d bp of the appraised %s: amount may be %s at most", c.Amount, s.Product.Terms.LTVBP, s.AppraisedValue, maxByLTV)
	}
	col := s.Collateral
	if col.BorrowerIsTransferee && col.AssetType.IsLand() && !col.ContractorConsent {
		return nil, kernel.FieldErrorf(CodeConsentRequired, "collateral.contractorConsent", "a transferee needs the contractor's written consent to mortgage the right")
	}
	if col.BorrowerIsTransferee && !col.RentPaidAsAgreed {
		return nil, kernel.FieldErrorf(CodeRentNotPaid, "collateral.rentPaidAsAgreed", "a transferee borrower must have paid rent as agreed")
	}
	matures, err := s.checkTerm(now)
	if err != nil {
		return nil, err
	}
	return []kernel.Event{LoanApproved{
		LoanID: s.ID, Amount: c.Amount, TermMonths: s.TermMonths, AnnualRateBP: s.Tier.AnnualRateBP,
		MaxByLTV: maxByLTV, MaturesOn: matures, At: now,
	}}, nil
}

// checkTerm enforces rule 9: a loan starting on now's date matures no later
// than the pledged right ends.
func (s State) checkTerm(now time.Time) (time.Time, error) {
	matures := AddMonths(CivilDate(now), s.TermMonths)
	if matures.After(s.Collateral.RightsEndDate) {
		return time.Time{}, kernel.FieldErrorf(CodeTermExceedsRight, "termMonths", "the loan would mature on %s, after the right ends on %s",
			matures.Format(time.DateOnly), s.Collateral.RightsEndDate.Format(time.DateOnly))
	}
	return matures, nil
}

func (s State) disburse(c DisburseLoan, now time.Time) ([]kernel.Event, error) {
	if s.Status == StatusApproved {
		return nil, kernel.Errorf(CodeCollateralNotRegistered, "the collateral must be registered before disbursement")
	}
	if err := s.expect(c.By, StatusCollateralRegistered); err != nil {
		return nil, err
	}
	if s.Collateral.AssetType == kernel.AssetCollectiveShares && !c.SharesPledged {
		return nil, kernel.Errorf(CodePledgeNotRecorded, "the cooperative has not recorded the pledge of the shares securing the loan (rule 18)")
	}
	if _, err := s.checkTerm(now); err != nil { // a late disbursement could outrun the right
		return nil, err
	}
	schedule, err := BuildSchedule(s.Approved, s.Tier.AnnualRateBP, s.TermMonths, now, s.Method)
	if err != nil {
		return nil, err
	}
	return []kernel.Event{LoanDisbursed{
		LoanID: s.ID, Amount: s.Approved, DisbursedOn: CivilDate(now), Method: s.Method, Schedule: schedule, At: now,
	}}, nil
}

// repay allocates a payment to the oldest unpaid instalment first, interest
// before principal, then to the next instalment, and so on: a payment larger
// than what is due pays later instalments early, as scheduled (their interest
// is not re-priced). A payment above everything still owed is refused.
func (s State) repay(c RepayLoan, now time.Time) ([]kernel.Event, error) {
	if err := s.inStatus(StatusRepaying, StatusOverdue); err != nil {
		return nil, err
	}
	if c.Amount <= 0 {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "amount", "amount must be positive")
	}
	if owed := s.TotalOwed(); c.Amount > owed {
		return nil, kernel.FieldErrorf(CodeOverpayment, "amount", "payment %s exceeds the %s still owed", c.Amount, owed)
	}
	left := c.Amount
	var allocs []Allocation
	for _, i := range s.Schedule {
		if left == 0 {
			break
		}
		interest := min(left, i.Interest-i.PaidInterest)
		left -= interest
		principal := min(left, i.Principal-i.PaidPrincipal)
		left -= principal
		if interest > 0 || principal > 0 {
			allocs = append(allocs, Allocation{Instalment: i.No, Interest: interest, Principal: principal})
		}
	}
	received := LoanRepaymentReceived{LoanID: s.ID, Amount: c.Amount, Allocations: allocs, At: now}
	after := Evolve(s, received)
	received.PrincipalOutstanding = after.PrincipalOutstanding()
	events := []kernel.Event{received}
	switch {
	case after.OldestUnpaid() < 0:
		events = append(events, LoanRepaid{LoanID: s.ID, Borrower: s.Borrower, Bank: s.Bank, AssetID: s.Collateral.AssetID, RegistrationID: s.RegistrationID, At: now})
	case s.Status == StatusOverdue && !after.pastDue(now):
		events = append(events, LoanOverdueCured{LoanID: s.ID, At: now})
	}
	return events, nil
}

func (s State) declareDefault(now time.Time) ([]kernel.Event, error) {
	if err := s.inStatus(StatusOverdue); err != nil {
		return nil, err
	}
	if at, _ := s.DefaultDueAt(); now.Before(at) {
		return nil, kernel.Errorf(CodeNotYetDue, "the loan may be declared in default from %s", at.Format(time.RFC3339))
	}
	var interest kernel.Money
	for _, i := range s.Schedule {
		if !now.Before(OverdueAt(i.DueDate)) {
			interest += i.Interest - i.PaidInterest
		}
	}
	return []kernel.Event{LoanDefaulted{
		LoanID: s.ID, Borrower: s.Borrower, Bank: s.Bank, AssetID: s.Collateral.AssetID, AssetType: s.Collateral.AssetType,
		RegistrationID: s.RegistrationID, PrincipalOutstanding: s.PrincipalOutstanding(), InterestOutstanding: interest, At: now,
	}}, nil
}

// recover applies a recovery to the claimed principal first, then the claimed
// interest; a recovery above the claim is refused.
func (s State) recover(c RecordRecovery, now time.Time) ([]kernel.Event, error) {
	if err := s.inStatus(StatusDefaulted); err != nil {
		return nil, err
	}
	if !c.Source.Valid() {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "source", "unknown recovery source %q", c.Source)
	}
	if c.Amount <= 0 {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "amount", "amount must be positive")
	}
	if claim := s.ClaimPrincipal + s.ClaimInterest; c.Amount > claim {
		return nil, kernel.FieldErrorf(CodeOverpayment, "amount", "recovery %s exceeds the %s still claimed", c.Amount, claim)
	}
	principal := min(c.Amount, s.ClaimPrincipal)
	interest := c.Amount - principal
	rec := LoanRecoveryRecorded{
		LoanID: s.ID, Source: c.Source, Amount: c.Amount, Principal: principal, Interest: interest,
		PrincipalOutstanding: s.ClaimPrincipal - principal, InterestOutstanding: s.ClaimInterest - interest, At: now,
	}
	events := []kernel.Event{rec}
	if rec.PrincipalOutstanding == 0 && rec.InterestOutstanding == 0 {
		events = append(events, LoanRecovered{LoanID: s.ID, At: now})
	}
	return events, nil
}
