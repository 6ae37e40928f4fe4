package transfer

import (
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Thresholds set by national law (not local practice, so not settings).
const (
	// MinRegistrationYears is the shortest term that can be registered (rule 6, Art. 41).
	MinRegistrationYears = 5
	// IdleYears is how long land must lie idle before the contract can be
	// terminated for it (rule 2, Art. 42).
	IdleYears = 2
	// ResolutionNumerator / ResolutionDenominator is the share of the villagers'
	// assembly or representatives that must approve contracting collective land
	// to outsiders (rule 4, Art. 52).
	ResolutionNumerator, ResolutionDenominator = 2, 3
)

// Bounds that keep rent arithmetic exact in int64 fen.
const (
	MaxRentPerMuYear kernel.Money = 10_000_000_00 // 10 million yuan per mu per year
	MaxArea          kernel.Area  = 1_000_000_00  // one million mu
	// MaxAnnualRent bounds a whole contract's yearly rent, stepped up or not:
	// the highest rent per mu over the largest area.
	MaxAnnualRent = MaxRentPerMuYear * kernel.Money(MaxArea/100)
	MaxTermYears  = 100
)

// Form is how the management right is transferred.
type Form string

// Transfer forms.
const (
	FormLease       Form = "LEASE"       // 出租
	FormSubContract Form = "SUBCONTRACT" // 转包
	FormShares      Form = "SHARES"      // 入股
	FormOther       Form = "OTHER"       // 其他方式
)

func (f Form) valid() bool {
	return f == FormLease || f == FormSubContract || f == FormShares || f == FormOther
}

// Use is the transferee's intended use of the land.
type Use string

// Uses. The first five are agricultural; the rest are refused (rule 2).
const (
	UseCropping        Use = "CROPPING"         // 种植业
	UseForestry        Use = "FORESTRY"         // 林业
	UseAnimalHusbandry Use = "ANIMAL_HUSBANDRY" // 畜牧业
	UseFishery         Use = "FISHERY"          // 渔业
	UseFarmFacility    Use = "FARM_FACILITY"    // 设施农业用地
	UseConstruction    Use = "CONSTRUCTION"     // 建设
	UseIndustrial      Use = "INDUSTRIAL"
	UseCommercial      Use = "COMMERCIAL"
	UseResidential     Use = "RESIDENTIAL"
)

var agricultural = map[Use]bool{
	UseCropping: true, UseForestry: true, UseAnimalHusbandry: true, UseFishery: true, UseFarmFacility: true,
	UseConstruction: false, UseIndustrial: false, UseCommercial: false, UseResidential: false,
}

// Agricultural reports whether u keeps the land in agricultural use.
func (u Use) Agricultural() bool { return agricultural[u] }

// Frequency is how often rent is paid.
type Frequency string

// Payment frequencies.
const (
	Annual     Frequency = "ANNUAL"
	SemiAnnual Frequency = "SEMI_ANNUAL"
	Quarterly  Frequency = "QUARTERLY"
	OneOff     Frequency = "ONE_OFF" // the whole term's rent at the start
)

// months returns the months one instalment covers; 0 for OneOff and for unknown frequencies.
func (f Frequency) months() int {
	switch f {
	case Annual:
		return 12
	case SemiAnnual:
		return 6
	case Quarterly:
		return 3
	}
	return 0
}

func (f Frequency) valid() bool { return f == OneOff || f.months() > 0 }

// Document is a written paper: its reference and the date it was signed.
type Document struct {
	Reference string
	Signed    time.Time
}

func (d Document) present() bool { return d.Reference != "" }

// ResolutionBody is who passed a resolution.
type ResolutionBody string

// Resolution bodies (Art. 52).
const (
	VillagersAssembly       ResolutionBody = "VILLAGERS_ASSEMBLY"       // 村民会议
	VillagerRepresentatives ResolutionBody = "VILLAGER_REPRESENTATIVES" // 村民代表会议
)

// Resolution is the members' vote approving contracting collective land to an outsider (rule 4).
type Resolution struct {
	Body     ResolutionBody
	VotesFor int
	Total    int
	Document Document
}

// Entrustment is the fact of a household's written entrustment of a plot
// (from the registry): who may transfer it, in which forms, for which term (rule 5).
type Entrustment struct {
	Entrustee uuid.UUID
	Scope     []Form
	Start     time.Time
	End       time.Time
	Document  Document
}

// ConsentPurpose is what a contractor's consent allows (rule 7).
type ConsentPurpose string

// Consent purposes.
const (
	ConsentReTransfer ConsentPurpose = "RE_TRANSFER"
	ConsentMortgage   ConsentPurpose = "MORTGAGE"
)

// Consent is the fact of a contracting household's written consent, recorded
// with the collective (from the registry), for Grantee to re-transfer or
// mortgage the management right of plot AssetID (rule 7).
type Consent struct {
	AssetID    uuid.UUID
	Contractor uuid.UUID
	Grantee    uuid.UUID
	Purpose    ConsentPurpose
	Document   Document
}

// Plot is the fact about one asset the contract covers, taken from the
// registry when the command is made.
type Plot struct {
	AssetID    uuid.UUID
	Area       kernel.Area // the area transferred
	Collective uuid.UUID   // the owning collective
	Contractor uuid.UUID   // the contracting household; uuid.Nil for land the collective holds itself
	Holder     uuid.UUID   // the current holder of the management right
	// ContractEnd is the end of the underlying contract right (the rights' end date).
	ContractEnd time.Time
	// HolderUntil is the end of the holder's own right when the holder is a
	// transferee; zero otherwise.
	HolderUntil time.Time
	// Entrustment is the household's entrustment in force, if any.
	Entrustment *Entrustment
	// PriorityHolder is the transferee of an expiring contract on this plot
	// whose renewal priority stands (State.PriorityHolder); uuid.Nil when none.
	PriorityHolder uuid.UUID
}

// Terms are what the parties agree: who, which plots, how, for how long, for which rent.
type Terms struct {
	Transferor    uuid.UUID
	Transferee    uuid.UUID
	Plots         []Plot
	Form          Form
	Use           Use
	Start         time.Time
	End           time.Time
	RentPerMuYear kernel.Money
	// AnnualRent is the whole contract's rent for its first year, used instead
	// of RentPerMuYear × area when positive (a lease from an annual-rent award).
	AnnualRent kernel.Money
	// StepUp raises the yearly rent every few years (rule 25); zero for none.
	StepUp    kernel.StepUp
	Frequency Frequency
	// Prepaid is rent already paid through the exchange (an award's first
	// payment): signing counts it toward the first instalments.
	Prepaid kernel.Money
	// TransfereeIsMember is true when the transferee is a member of the owning collective.
	TransfereeIsMember bool
	// Resolution is the members' approval, needed when the collective contracts
	// land it holds itself to an outsider (rule 4).
	Resolution *Resolution
	// Consents are the contractors' consents, needed when the transferor is
	// itself a transferee re-transferring (rule 7).
	Consents []Consent
}

// Area returns the total area of the plots.
func (t Terms) Area() kernel.Area {
	var a kernel.Area
	for _, p := range t.Plots {
		a += p.Area
	}
	return a
}

// RightEnd returns the earliest end of a right the terms transfer: no term may go beyond it (rule 1).
func (t Terms) RightEnd() time.Time {
	var end time.Time
	for _, p := range t.Plots {
		for _, e := range []time.Time{p.ContractEnd, p.HolderUntil} {
			if !e.IsZero() && (end.IsZero() || e.Before(end)) {
				end = e
			}
		}
	}
	return end
}

// Instalment is one rent payment of the schedule.
type Instalment struct {
	No      int // 1-based
	Due     time.Time
	Amount  kernel.Money
	Paid    kernel.Money
	Overdue bool // marked overdue by MarkRentOverdue
}

// Outstanding returns what is still owed on the instalment.
func (i Instalment) Outstanding() kernel.Money { return i.Amount - i.Paid }

// Instalments returns the terms' rent schedule, numbered from 1: the yearly
// rent (AnnualRent, else RentPerMuYear × area) stepped up as StepUp says, as
// Schedule lays it out, with Prepaid counted as paid on the first
// instalments. INVALID for a rent, area or term out of range, or a Prepaid
// above the total.
func (t Terms) Instalments() ([]Instalment, error) {
	area := t.Area()
	if t.AnnualRent == 0 && t.StepUp == (kernel.StepUp{}) && t.Prepaid == 0 {
		return Schedule(t.RentPerMuYear, area, t.Start, t.End, t.Frequency, 1)
	}
	switch {
	case t.AnnualRent < 0 || t.AnnualRent > MaxAnnualRent:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "annualRent", "must be between 0 and %s yuan", MaxAnnualRent)
	case t.AnnualRent > 0 && t.RentPerMuYear != 0:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "annualRent", "a contract states its rent per mu or for the whole, not both")
	case t.Prepaid < 0:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "prepaid", "must not be negative")
	}
	if err := t.StepUp.Validate("stepUp"); err != nil {
		return nil, err
	}
	if err := checkSchedule(t.RentPerMuYear, area, t.Start, t.End, t.Frequency); err != nil {
		return nil, err
	}
	yearly := t.AnnualRent
	if yearly == 0 {
		yearly = t.RentPerMuYear.MulRatio(int64(area), 100)
	}
	out, err := schedule(yearly, t.StepUp, t.Start, t.End, t.Frequency, 1)
	if err != nil {
		return nil, err
	}
	left := t.Prepaid
	for i := range out {
		out[i].Paid = min(left, out[i].Amount)
		left -= out[i].Paid
	}
	if left > 0 {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "prepaid", "%s prepaid is more than the whole term's rent", t.Prepaid)
	}
	return out, nil
}

// Schedule returns the rent instalments for area over start–end at
// rentPerMuYear, paid in advance at the start of each period of f, numbered
// from first. The total is rent × area × term (a partial last month counts as a
// whole month), rounded to the fen; every instalment but the last is the
// period's rent rounded down, and the last absorbs the remainder, so the
// amounts sum exactly to the total. Periods start at start plus whole calendar
// months in Asia/Shanghai (Go's AddDate normalisation: 31 August plus 6 months
// is 3 March). Due dates are in UTC.
func Schedule(rentPerMuYear kernel.Money, area kernel.Area, start, end time.Time, f Frequency, first int) ([]Instalment, error) {
	if err := checkSchedule(rentPerMuYear, area, start, end, f); err != nil {
		return nil, err
	}
	return schedule(rentPerMuYear.MulRatio(int64(area), 100), kernel.StepUp{}, start, end, f, first)
}

// checkSchedule refuses a rent, area, term or frequency Schedule cannot lay out.
func checkSchedule(rentPerMuYear kernel.Money, area kernel.Area, start, end time.Time, f Frequency) error {
	switch {
	case rentPerMuYear < 0 || rentPerMuYear > MaxRentPerMuYear:
		return kernel.FieldErrorf(kernel.CodeInvalid, "rentPerMuYear", "must be between 0 and %s yuan", MaxRentPerMuYear)
	case area <= 0 || area > MaxArea:
		return kernel.FieldErrorf(kernel.CodeInvalid, "area", "must be positive and at most %s mu", MaxArea)
	case !end.After(start):
		return kernel.FieldErrorf(kernel.CodeInvalid, "end", "must be after the start")
	case end.After(start.AddDate(MaxTermYears, 0, 0)):
		return kernel.FieldErrorf(kernel.CodeInvalid, "end", "a term is at most %d years: end must be %s or earlier", MaxTermYears, kernel.LatestAt(start.AddDate(MaxTermYears, 0, 0)))
	case !f.valid():
		return kernel.FieldErrorf(kernel.CodeInvalid, "frequency", "unknown payment frequency %q", f)
	}
	return nil
}

// schedule lays out yearly rent (year 1's, stepped up as up says) over
// start–end as Schedule describes: each term year's rent pro rata by its
// months is the total; every instalment but the last is its period's share of
// its year's rent rounded down, and the last absorbs the remainder.
func schedule(yearly kernel.Money, up kernel.StepUp, start, end time.Time, f Frequency, first int) ([]Instalment, error) {
	start, end = start.In(kernel.Shanghai), end.In(kernel.Shanghai) // months are calendar months in Shanghai
	months := termMonths(start, end)
	var total kernel.Money
	rents := make([]kernel.Money, (months+11)/12)
	for y := range rents {
		r, err := up.Rent(yearly, y, MaxAnnualRent)
		if err != nil {
			return nil, err
		}
		rents[y] = r
		total += r.MulRatio(int64(min(12, months-12*y)), 12)
	}
	step := f.months()
	if step == 0 {
		step = months
	}
	n := (months + step - 1) / step
	out := make([]Instalment, n)
	var sum kernel.Money
	for i := range out {
		each := kernel.Money(int64(rents[i*step/12]) * int64(step) / 12)
		out[i] = Instalment{No: first + i, Due: start.AddDate(0, i*step, 0).UTC(), Amount: each}
		sum += each
	}
	out[n-1].Amount = total - (sum - out[n-1].Amount)
	return out, nil
}

// termMonths counts the months from start to end, a partial month as a whole one.
func termMonths(start, end time.Time) int {
	m := (end.Year()-start.Year())*12 + int(end.Month()-start.Month())
	if start.AddDate(0, m, 0).Before(end) {
		m++
	}
	for m > 1 && !start.AddDate(0, m-1, 0).Before(end) {
		m--
	}
	return m
}

func hasForm(scope []Form, f Form) bool { return slices.Contains(scope, f) }

// utc returns a copy of t with every time in UTC and no slice shared with t.
func (t Terms) utc() Terms {
	t.Start, t.End = t.Start.UTC(), t.End.UTC()
	t.Plots = slices.Clone(t.Plots)
	for i := range t.Plots {
		p := &t.Plots[i]
		p.ContractEnd, p.HolderUntil = p.ContractEnd.UTC(), p.HolderUntil.UTC()
		if p.Entrustment != nil {
			e := *p.Entrustment
			e.Scope = slices.Clone(e.Scope)
			e.Start, e.End, e.Document.Signed = e.Start.UTC(), e.End.UTC(), e.Document.Signed.UTC()
			p.Entrustment = &e
		}
	}
	if t.Resolution != nil {
		r := *t.Resolution
		r.Document.Signed = r.Document.Signed.UTC()
		t.Resolution = &r
	}
	t.Consents = utcConsents(t.Consents)
	return t
}

func utcConsents(cs []Consent) []Consent {
	cs = slices.Clone(cs)
	for i := range cs {
		cs[i].Document.Signed = cs[i].Document.Signed.UTC()
	}
	return cs
}
