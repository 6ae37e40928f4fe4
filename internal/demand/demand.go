package demand

import (
	"math/big"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Error codes of the demand context. They are stable: clients match on them.
const (
	CodeRangeInvalid = "DEMAND_RANGE_INVALID" // a lower bound above its upper bound
	CodeClosed       = "DEMAND_CLOSED"        // the demand or search was closed already
)

// Kind says who sees a Demand: a posted demand is public, a saved search is
// its owner's alone.
type Kind string

// The kinds of Demand.
const (
	KindDemand Kind = "DEMAND"
	KindSearch Kind = "SEARCH"
)

// Region narrows where: each level given must be the offer's; empty levels
// match any.
type Region struct {
	Province, County, Township, Village string
}

// Criteria are what an offer must meet. Zero fields do not narrow.
type Criteria struct {
	Region     Region
	AssetTypes []kernel.AssetType // any of these
	MinArea    kernel.Area        // inclusive
	MaxArea    kernel.Area        // inclusive
	// MinTermMonths is the shortest transfer term wanted.
	MinTermMonths int
	// MaxPrice caps the listed price's total over the term (Offer.Total).
	MaxPrice kernel.Money
	// BudgetPerMuYear caps the price per mu per year (see Offer.PerMuYearAtMost).
	BudgetPerMuYear kernel.Money
	// Contiguous asks for one contiguous parcel; it is stated to sellers,
	// not checked against offers.
	Contiguous bool
}

// PriceBasis is what an Offer's Price states.
type PriceBasis string

// Price bases, as a listing states its price.
const (
	PriceTotal     PriceBasis = "TOTAL"            // one price for the whole term
	PriceAnnual    PriceBasis = "ANNUAL_RENT"      // a year's rent for the whole area
	PricePerMuYear PriceBasis = "RENT_PER_MU_YEAR" // a year's rent per mu
)

// Offer is what a listing or an asset offers, as the caller reads it.
type Offer struct {
	Region     Region
	Type       kernel.AssetType
	Area       kernel.Area
	TermMonths int
	// Price is the listed price in Basis (zero: PriceTotal). Zero Price (an
	// asset not yet priced) meets every price bound.
	Price kernel.Money
	Basis PriceBasis
	// Total is what Price comes to over the term, as the listing computes
	// it (step-ups included).
	Total kernel.Money
}

// PerMuYearAtMost reports whether o's price per mu per year is at most budget,
// compared exactly in fen, without rounding: a total over the area and the
// term's years (TermMonths ÷ 12), an annual rent over the area, a rent per mu
// per year as it is. An offer without an area or a term has no such price and
// is not at most any budget.
func (o Offer) PerMuYearAtMost(budget kernel.Money) bool {
	if o.Basis == PricePerMuYear {
		return o.Price <= budget
	}
	months := int64(12) // an annual rent pays for one year
	if o.Basis != PriceAnnual {
		months = int64(o.TermMonths)
	}
	if o.Area <= 0 || months <= 0 {
		return false
	}
	// price ÷ (hundredths ÷ 100) ÷ (months ÷ 12) ≤ budget, multiplied out.
	lhs := new(big.Int).Mul(big.NewInt(int64(o.Price)), big.NewInt(100*12))
	rhs := new(big.Int).Mul(big.NewInt(int64(budget)), big.NewInt(o.Area.Hundredths()))
	rhs.Mul(rhs, big.NewInt(months))
	return lhs.Cmp(rhs) <= 0
}

// Matches reports whether o meets c.
func (c Criteria) Matches(o Offer) bool {
	for _, l := range [][2]string{{c.Region.Province, o.Region.Province}, {c.Region.County, o.Region.County},
		{c.Region.Township, o.Region.Township}, {c.Region.Village, o.Region.Village}} {
		if l[0] != "" && l[0] != l[1] {
			return false
		}
	}
	switch {
	case len(c.AssetTypes) > 0 && !slices.Contains(c.AssetTypes, o.Type),
		c.MinArea > 0 && o.Area < c.MinArea,
		c.MaxArea > 0 && o.Area > c.MaxArea,
		c.MinTermMonths > 0 && o.TermMonths < c.MinTermMonths,
		o.Price > 0 && c.MaxPrice > 0 && o.Total > c.MaxPrice,
		o.Price > 0 && c.BudgetPerMuYear > 0 && !o.PerMuYearAtMost(c.BudgetPerMuYear):
		return false
	}
	return true
}

// check refuses criteria with a negative bound or an inverted range.
func (c Criteria) check() error {
	switch {
	case c.MinArea < 0:
		return kernel.FieldErrorf(kernel.CodeInvalid, "criteria.minArea", "areas cannot be negative")
	case c.MaxArea < 0:
		return kernel.FieldErrorf(kernel.CodeInvalid, "criteria.maxArea", "areas cannot be negative")
	case c.MinTermMonths < 0:
		return kernel.FieldErrorf(kernel.CodeInvalid, "criteria.minTermMonths", "a term cannot be negative")
	case c.MaxPrice < 0:
		return kernel.FieldErrorf(kernel.CodeInvalid, "criteria.maxPrice", "prices cannot be negative")
	case c.BudgetPerMuYear < 0:
		return kernel.FieldErrorf(kernel.CodeInvalid, "criteria.budgetPerMuYear", "prices cannot be negative")
	case c.MaxArea > 0 && c.MinArea > c.MaxArea:
		return kernel.FieldErrorf(CodeRangeInvalid, "criteria.maxArea", "the largest area %s is below the smallest %s", c.MaxArea, c.MinArea)
	}
	for _, t := range c.AssetTypes {
		if _, err := kernel.ParseAssetType(string(t)); err != nil {
			return err
		}
	}
	return nil
}

// Command is a command to a Demand (category "demand").
type Command interface {
	kernel.Command
	isDemandCommand()
}

// PostDemand publishes what By wants, for sellers to see.
type PostDemand struct {
	DemandID uuid.UUID
	By       uuid.UUID
	Title    string
	Note     string // what else sellers should know
	Criteria Criteria
}

// SaveSearch keeps By's search: listings that match are pushed to By.
type SaveSearch struct {
	DemandID uuid.UUID
	By       uuid.UUID
	Title    string
	Criteria Criteria
}

// CloseDemand withdraws a demand or deletes a saved search; only its owner may.
type CloseDemand struct {
	DemandID uuid.UUID
	By       uuid.UUID
}

func (c PostDemand) AggregateID() uuid.UUID  { return c.DemandID }
func (c SaveSearch) AggregateID() uuid.UUID  { return c.DemandID }
func (c CloseDemand) AggregateID() uuid.UUID { return c.DemandID }
func (PostDemand) isDemandCommand()          {}
func (SaveSearch) isDemandCommand()          {}
func (CloseDemand) isDemandCommand()         {}

// Texts returns the command's free text for kernel.CheckCommandText.
func (c PostDemand) Texts() []kernel.Text {
	return []kernel.Text{{Field: "title", Kind: kernel.Name, Value: c.Title}, {Field: "note", Kind: kernel.Description, Value: c.Note}}
}

// Texts returns the command's free text for kernel.CheckCommandText.
func (c SaveSearch) Texts() []kernel.Text {
	return []kernel.Text{{Field: "title", Kind: kernel.Name, Value: c.Title}}
}

// DemandPosted: a party published a demand.
type DemandPosted struct {
	DemandID uuid.UUID
	Owner    uuid.UUID
	Title    string
	Note     string
	Criteria Criteria
	At       time.Time
}

// SearchSaved: a party saved a search for alerts.
type SearchSaved struct {
	DemandID uuid.UUID
	Owner    uuid.UUID
	Title    string
	Criteria Criteria
	At       time.Time
}

// DemandClosed: the owner withdrew the demand or deleted the search.
type DemandClosed struct {
	DemandID uuid.UUID
	At       time.Time
}

func (DemandPosted) EventType() string { return "demand.DemandPosted.v1" }
func (SearchSaved) EventType() string  { return "demand.SearchSaved.v1" }
func (DemandClosed) EventType() string { return "demand.DemandClosed.v1" }

// RegisterEvents adds the context's events to r.
func RegisterEvents(r *kernel.Registry) { r.Register(DemandPosted{}, SearchSaved{}, DemandClosed{}) }

// State is a Demand folded from its events; the zero State has none.
type State struct {
	ID       uuid.UUID
	Kind     Kind
	Owner    uuid.UUID
	Title    string
	Note     string
	Criteria Criteria
	Closed   bool
	At       time.Time // when it was posted or saved
}

// Decider is the Demand aggregate.
var Decider = kernel.Decider[State, Command]{Category: "demand", Decide: Decide, Evolve: Evolve}

// Decide decides c at now: the new events, or a *kernel.Error and none.
func Decide(s State, c Command, now time.Time) ([]kernel.Event, error) {
	now = now.UTC()
	if err := kernel.CheckCommandText(c); err != nil {
		return nil, err
	}
	switch c := c.(type) {
	case PostDemand:
		if err := opening(s, c.DemandID, c.By, c.Title, c.Criteria); err != nil {
			return nil, err
		}
		return []kernel.Event{DemandPosted{DemandID: c.DemandID, Owner: c.By, Title: c.Title, Note: c.Note, Criteria: c.Criteria, At: now}}, nil
	case SaveSearch:
		if err := opening(s, c.DemandID, c.By, c.Title, c.Criteria); err != nil {
			return nil, err
		}
		return []kernel.Event{SearchSaved{DemandID: c.DemandID, Owner: c.By, Title: c.Title, Criteria: c.Criteria, At: now}}, nil
	case CloseDemand:
		switch {
		case s.ID == uuid.Nil:
			return nil, kernel.Errorf(kernel.CodeNotFound, "demand %s not found", c.DemandID)
		case c.By != s.Owner:
			return nil, kernel.Errorf(kernel.CodeForbidden, "only the owner closes demand %s", c.DemandID)
		case s.Closed:
			return nil, kernel.Errorf(CodeClosed, "demand %s is closed already", c.DemandID)
		}
		return []kernel.Event{DemandClosed{DemandID: s.ID, At: now}}, nil
	}
	return nil, kernel.Errorf(kernel.CodeInvalid, "unknown demand command %T", c)
}

// opening checks a command that opens a Demand.
func opening(s State, id, by uuid.UUID, title string, c Criteria) error {
	switch {
	case s.ID != uuid.Nil:
		return kernel.Errorf(kernel.CodeInvalidState, "demand %s exists already", id)
	case id == uuid.Nil || by == uuid.Nil:
		return kernel.Errorf(kernel.CodeInvalid, "a demand needs an id and an owner")
	case title == "":
		return kernel.FieldErrorf(kernel.CodeInvalid, "title", "a title is required")
	}
	return c.check()
}

// Evolve folds e into s.
func Evolve(s State, e kernel.Event) State {
	switch e := e.(type) {
	case DemandPosted:
		return State{ID: e.DemandID, Kind: KindDemand, Owner: e.Owner, Title: e.Title, Note: e.Note, Criteria: e.Criteria, At: e.At}
	case SearchSaved:
		return State{ID: e.DemandID, Kind: KindSearch, Owner: e.Owner, Title: e.Title, Criteria: e.Criteria, At: e.At}
	case DemandClosed:
		s.Closed = true
	}
	return s
}
