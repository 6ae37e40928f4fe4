package lending

import (
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Tier is one row of a product's terms (rule 23): what a borrower holding
// Credential may borrow. Credentials are the product's own levels, such as the
// quality credentials Weifang's "quality loan" tiers credit by
// (e.g. "GREEN_FOOD", "GEOGRAPHICAL_INDICATION", "NONE").
type Tier struct {
	Credential    string
	CreditLine    kernel.Money // the most one loan may be
	MaxTermMonths int
	AnnualRateBP  int // annual interest rate in basis points (435 = 4.35 %)
}

// Terms are a loan product's local-practice numbers and tiers.
type Terms struct {
	LTVBP                   int // loan-to-value cap in basis points of the appraised value
	DefaultAfterDaysOverdue int // days an instalment may stay overdue before the loan may be declared in default
	Tiers                   []Tier
}

// DefaultTerms returns terms with the usual local defaults — 50 % loan-to-value
// for rural property rights and default after 90 days overdue (the
// non-performing threshold of China's loan classification) — and the given tiers.
func DefaultTerms(tiers ...Tier) Terms {
	return Terms{LTVBP: 5000, DefaultAfterDaysOverdue: 90, Tiers: tiers}
}

// TierFor returns the tier for credential, if the terms have one.
func (t Terms) TierFor(credential string) (Tier, bool) {
	for _, tier := range t.Tiers {
		if tier.Credential == credential {
			return tier, true
		}
	}
	return Tier{}, false
}

func (t Terms) validate() error {
	if t.LTVBP <= 0 || t.LTVBP > bpPerUnit {
		return kernel.FieldErrorf(kernel.CodeInvalid, "terms.ltvBP", "loan-to-value must be 1..%d basis points", bpPerUnit)
	}
	if t.DefaultAfterDaysOverdue < 1 {
		return kernel.FieldErrorf(kernel.CodeInvalid, "terms.defaultAfterDaysOverdue", "must be at least 1 day")
	}
	if len(t.Tiers) == 0 {
		return kernel.FieldErrorf(kernel.CodeInvalid, "terms.tiers", "a product needs at least one tier")
	}
	seen := map[string]bool{}
	for _, tier := range t.Tiers {
		switch {
		case tier.Credential == "" || seen[tier.Credential]:
			return kernel.FieldErrorf(kernel.CodeInvalid, "terms.tiers.credential", "credentials must be non-empty and distinct")
		case tier.CreditLine <= 0 || tier.CreditLine > MaxPrincipal:
			return kernel.FieldErrorf(kernel.CodeInvalid, "terms.tiers.creditLine", "credit line of %q out of range", tier.Credential)
		case tier.MaxTermMonths < 1 || tier.MaxTermMonths > MaxTermMonths:
			return kernel.FieldErrorf(kernel.CodeInvalid, "terms.tiers.maxTermMonths", "max term of %q must be 1..%d months", tier.Credential, MaxTermMonths)
		case tier.AnnualRateBP < 0 || tier.AnnualRateBP > MaxAnnualRateBP:
			return kernel.FieldErrorf(kernel.CodeInvalid, "terms.tiers.annualRateBP", "rate of %q must be 0..%d basis points", tier.Credential, MaxAnnualRateBP)
		}
		seen[tier.Credential] = true
	}
	return nil
}

// LoanProductDefined: a bank defined a loan product.
type LoanProductDefined struct {
	ProductID uuid.UUID
	Bank      uuid.UUID
	Name      string
	Terms     Terms
	At        time.Time
}

// LoanProductRevised: the product's terms changed; loans already applied for keep their snapshot.
type LoanProductRevised struct {
	ProductID uuid.UUID
	Terms     Terms
	At        time.Time
}

// LoanProductWithdrawn: the product takes no more applications.
type LoanProductWithdrawn struct {
	ProductID uuid.UUID
	At        time.Time
}

// EventType implements kernel.Event.
func (LoanProductDefined) EventType() string { return "lending.LoanProductDefined.v1" }

// EventType implements kernel.Event.
func (LoanProductRevised) EventType() string { return "lending.LoanProductRevised.v1" }

// EventType implements kernel.Event.
func (LoanProductWithdrawn) EventType() string { return "lending.LoanProductWithdrawn.v1" }

// ProductCommand is a command to a loan product (category "loanproduct").
type ProductCommand interface {
	kernel.Command
	isProductCommand()
}

// DefineLoanProduct creates a product. By is the bank defining it.
type DefineLoanProduct struct {
	ProductID uuid.UUID
	By        uuid.UUID
	Name      string
	Terms     Terms
}

// ReviseLoanProduct replaces the product's terms. By must be the product's bank.
type ReviseLoanProduct struct {
	ProductID uuid.UUID
	By        uuid.UUID
	Terms     Terms
}

// WithdrawLoanProduct stops new applications. By must be the product's bank.
type WithdrawLoanProduct struct {
	ProductID uuid.UUID
	By        uuid.UUID
}

// AggregateID implements kernel.Command.
func (c DefineLoanProduct) AggregateID() uuid.UUID { return c.ProductID }

// AggregateID implements kernel.Command.
func (c ReviseLoanProduct) AggregateID() uuid.UUID { return c.ProductID }

// AggregateID implements kernel.Command.
func (c WithdrawLoanProduct) AggregateID() uuid.UUID { return c.ProductID }

func (DefineLoanProduct) isProductCommand()   {}
func (ReviseLoanProduct) isProductCommand()   {}
func (WithdrawLoanProduct) isProductCommand() {}

// ProductState is a loan product folded from its events. The zero value is a
// product not yet defined.
type ProductState struct {
	ID        uuid.UUID
	Bank      uuid.UUID
	Name      string
	Terms     Terms
	Withdrawn bool
}

// Defined reports whether the product exists.
func (s ProductState) Defined() bool { return s.ID != uuid.Nil }

// Snapshot returns the facts an application carries about this product.
func (s ProductState) Snapshot() ProductSnapshot {
	return ProductSnapshot{ProductID: s.ID, Bank: s.Bank, Name: s.Name, Active: s.Defined() && !s.Withdrawn, Terms: s.Terms}
}

// DecideProduct decides a product command.
func DecideProduct(s ProductState, c ProductCommand, now time.Time) ([]kernel.Event, error) {
	now = now.UTC()
	if err := kernel.CheckCommandText(c); err != nil {
		return nil, err
	}
	if d, ok := c.(DefineLoanProduct); ok {
		if s.Defined() {
			return nil, kernel.Errorf(kernel.CodeInvalidState, "product %s already defined", d.ProductID)
		}
		if d.ProductID == uuid.Nil || d.By == uuid.Nil || d.Name == "" {
			return nil, kernel.Errorf(kernel.CodeInvalid, "product id, bank and name are required")
		}
		if err := d.Terms.validate(); err != nil {
			return nil, err
		}
		return []kernel.Event{LoanProductDefined{ProductID: d.ProductID, Bank: d.By, Name: d.Name, Terms: d.Terms, At: now}}, nil
	}
	if !s.Defined() {
		return nil, kernel.Errorf(kernel.CodeNotFound, "loan product %s not found", c.AggregateID())
	}
	switch c := c.(type) {
	case ReviseLoanProduct:
		if err := s.checkOpen(c.By); err != nil {
			return nil, err
		}
		if err := c.Terms.validate(); err != nil {
			return nil, err
		}
		return []kernel.Event{LoanProductRevised{ProductID: s.ID, Terms: c.Terms, At: now}}, nil
	case WithdrawLoanProduct:
		if err := s.checkOpen(c.By); err != nil {
			return nil, err
		}
		return []kernel.Event{LoanProductWithdrawn{ProductID: s.ID, At: now}}, nil
	}
	return nil, kernel.Errorf(kernel.CodeInvalid, "unknown product command %T", c)
}

func (s ProductState) checkOpen(by uuid.UUID) error {
	if by != s.Bank {
		return kernel.Errorf(kernel.CodeForbidden, "only the product's bank may change it")
	}
	if s.Withdrawn {
		return kernel.Errorf(CodeProductWithdrawn, "product %s was withdrawn", s.ID)
	}
	return nil
}

// EvolveProduct folds one event into a product state.
func EvolveProduct(s ProductState, e kernel.Event) ProductState {
	switch e := e.(type) {
	case LoanProductDefined:
		return ProductState{ID: e.ProductID, Bank: e.Bank, Name: e.Name, Terms: e.Terms}
	case LoanProductRevised:
		s.Terms = e.Terms
	case LoanProductWithdrawn:
		s.Withdrawn = true
	}
	return s
}

// ProductDecider is the loan product aggregate.
var ProductDecider = kernel.Decider[ProductState, ProductCommand]{Category: "loanproduct", Decide: DecideProduct, Evolve: EvolveProduct}

// Texts implements kernel.TextCommand.
func (c DefineLoanProduct) Texts() []kernel.Text {
	return append(c.Terms.texts(), kernel.Text{Field: "name", Kind: kernel.Name, Value: c.Name})
}

// Texts implements kernel.TextCommand.
func (c ReviseLoanProduct) Texts() []kernel.Text { return c.Terms.texts() }

func (t Terms) texts() []kernel.Text {
	var out []kernel.Text
	for _, tier := range t.Tiers {
		out = append(out, kernel.Text{Field: "tiers.credential", Kind: kernel.Reference, Value: tier.Credential})
	}
	return out
}
