package listing

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Decider is the listing aggregate (with its auction) for the application layer.
var Decider = kernel.Decider[State, Command]{Category: "listing", Decide: Decide, Evolve: Evolve}

// Decide returns the events c causes on s at now, or a *kernel.Error; a refused
// command emits no events. It is pure: now is the command's time.
func Decide(s State, c Command, now time.Time) ([]kernel.Event, error) {
	now = now.UTC()
	if err := kernel.CheckCommandText(c); err != nil {
		return nil, err
	}
	if c == nil {
		return nil, kernel.Errorf(kernel.CodeInvalid, "no command")
	}
	if _, ok := c.(CreateListing); !ok && s.Status == StatusNone {
		return nil, kernel.Errorf(kernel.CodeNotFound, "listing %s does not exist", c.AggregateID())
	}
	switch c := c.(type) {
	case CreateListing:
		return create(s, c, now)
	case ReviseListing:
		return revise(s, c, now)
	case SubmitListing:
		return submit(s, c, now)
	case ReviewListing:
		return review(s, c, now)
	case WithdrawListing:
		return withdraw(s, c, now)
	case SuspendListing:
		return suspend(s, c, now)
	case ResumeListing:
		return resume(s, now)
	case RegisterBidder:
		return registerBidder(s, c, now)
	case ConfirmDeposit:
		return confirmDeposit(s, c, now)
	case QualifyBidder:
		return qualifyBidder(s, c, now)
	case CloseRegistration:
		return closeRegistration(s, now)
	case AgreeNegotiatedPrice:
		return agreePrice(s, c, now)
	case CloseNegotiation:
		return closeNegotiation(s, now)
	case OpenBidding:
		return openBidding(s, now)
	case PlaceBid:
		return placeBid(s, c, now)
	case CloseAuction:
		return closeAuction(s, now)
	case SubmitQuote:
		return submitQuote(s, c, now)
	case ExerciseMemberPriority:
		return exercisePriority(s, c.BidderID, RightMember, now)
	case ExerciseLesseePriority:
		return exercisePriority(s, c.BidderID, RightSittingLessee, now)
	case ClosePriorityWindow:
		return closePriorityWindow(s, now)
	case ConfirmPayment:
		return confirmPayment(s, c, now)
	case ForfeitDeposit:
		return forfeit(s, now)
	case RefundDeposit:
		return refund(s, c, now)
	case SignContract:
		if err := need(s, StatusPaid); err != nil {
			return nil, err
		}
		if c.ContractID == uuid.Nil {
			return nil, kernel.FieldErrorf(kernel.CodeInvalid, "contractId", "contract id is required")
		}
		return one(ContractSigned{ListingID: s.ID, ContractID: c.ContractID, BuyerID: s.Award.BidderID, Price: s.Award.Price, At: now})
	case IssueCertificate:
		if err := need(s, StatusContractSigned); err != nil {
			return nil, err
		}
		if c.Number == "" {
			return nil, kernel.FieldErrorf(kernel.CodeInvalid, "number", "certificate number is required")
		}
		return one(CertificateIssued{ListingID: s.ID, Number: c.Number, At: now})
	case Archive:
		if err := need(s, StatusCertified); err != nil {
			return nil, err
		}
		return one(ListingArchived{ListingID: s.ID, At: now})
	case Relist:
		if err := need(s, StatusUnsold); err != nil {
			return nil, err
		}
		return one(ListingRelisted{ListingID: s.ID, Round: s.Round + 1, At: now})
	case EndListing:
		if err := need(s, StatusUnsold); err != nil {
			return nil, err
		}
		return one(ListingEnded{ListingID: s.ID, Reason: c.Reason, At: now})
	}
	return nil, kernel.Errorf(kernel.CodeInvalid, "unknown listing command %T", c)
}

func one(e kernel.Event) ([]kernel.Event, error) { return []kernel.Event{e}, nil }

// need refuses unless s is in one of the statuses.
func need(s State, statuses ...Status) error {
	for _, st := range statuses {
		if s.Status == st {
			return nil
		}
	}
	return kernel.Errorf(kernel.CodeInvalidState, "listing is %s", s.Status)
}

// notDue refuses a time-driven command sent before its time.
func notDue(now, due time.Time) error {
	if now.Before(due) {
		return kernel.Errorf(CodeNotDue, "not due until %s", kernel.EarliestAt(due))
	}
	return nil
}

func create(s State, c CreateListing, now time.Time) ([]kernel.Event, error) {
	if s.Status != StatusNone {
		return nil, kernel.Errorf(kernel.CodeInvalidState, "listing %s exists", c.ListingID)
	}
	if c.ListingID == uuid.Nil {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "listingId", "listing id is required")
	}
	if err := validateTerms(c.Details, c.ReservePrice, now); err != nil {
		return nil, err
	}
	return []kernel.Event{
		ListingCreated{ListingID: c.ListingID, Details: own(c.Details), At: now},
		ReservePriceSet{ListingID: c.ListingID, ReservePrice: c.ReservePrice, At: now},
	}, nil
}

func revise(s State, c ReviseListing, now time.Time) ([]kernel.Event, error) {
	if err := need(s, StatusDraft, StatusRejected); err != nil {
		return nil, err
	}
	if err := validateTerms(c.Details, c.ReservePrice, now); err != nil {
		return nil, err
	}
	return []kernel.Event{
		ListingRevised{ListingID: s.ID, Details: own(c.Details), At: now},
		ReservePriceSet{ListingID: s.ID, ReservePrice: c.ReservePrice, At: now},
	}, nil
}

// own returns d with its times in UTC and its slices copied, so the event
// shares nothing with the caller's command.
func own(d Details) Details {
	d.Asset.AssetIDs = slices.Clone(d.Asset.AssetIDs)
	d.Asset.Encumbrances = slices.Clone(d.Asset.Encumbrances)
	d.Asset.RightsEnd = d.Asset.RightsEnd.UTC()
	d.Consents = slices.Clone(d.Consents)
	return d
}

// validateTerms checks a listing's terms: tradable asset, prices, the transfer
// term within the right (rule 1), encumbrances cleared, sane settings.
func validateTerms(d Details, reserve kernel.Money, now time.Time) error {
	switch {
	case d.Title == "":
		return kernel.FieldErrorf(kernel.CodeInvalid, "title", "title is required")
	case d.Seller == uuid.Nil:
		return kernel.FieldErrorf(kernel.CodeInvalid, "seller", "seller is required")
	case len(d.Asset.AssetIDs) == 0:
		return kernel.FieldErrorf(kernel.CodeInvalid, "asset.assetIds", "at least one asset is required")
	case d.Asset.OwningCollective == uuid.Nil:
		return kernel.FieldErrorf(kernel.CodeInvalid, "asset.owningCollective", "owning collective is required")
	case !d.Asset.Type.Tradable():
		return kernel.FieldErrorf(CodeAssetNotTradable, "asset.type", "%q is not tradable", d.Asset.Type)
	case d.ListedPrice <= 0:
		return kernel.FieldErrorf(kernel.CodeInvalid, "listedPrice", "listed price must be positive")
	case d.StartingPrice < d.ListedPrice:
		return kernel.FieldErrorf(kernel.CodeInvalid, "startingPrice", "starting price must be at least the listed price")
	case d.Increment <= 0:
		return kernel.FieldErrorf(kernel.CodeInvalid, "increment", "increment must be positive")
	case reserve < 0:
		return kernel.FieldErrorf(kernel.CodeInvalid, "reservePrice", "reserve price must not be negative")
	case d.TermMonths <= 0:
		return kernel.FieldErrorf(kernel.CodeInvalid, "termMonths", "transfer term must be positive")
	case !d.Asset.RightsEnd.IsZero() && now.AddDate(0, d.TermMonths, 0).After(d.Asset.RightsEnd):
		return kernel.FieldErrorf(CodeTermExceedsContract, "termMonths",
			"a %d-month term runs past the right's end at %s: termMonths may be %d at most",
			d.TermMonths, kernel.LatestAt(d.Asset.RightsEnd), kernel.MonthsWithin(now, d.Asset.RightsEnd, d.TermMonths))
	}
	if err := checkEncumbrances(d); err != nil {
		return err
	}
	if err := d.Settings.validate(); err != nil {
		return err
	}
	return validateSale(d)
}

// validateSale checks the terms of how the lot is sold: basis and rent
// (rule 25), deposit (rule 26), method (rule 27), priority order (rule 28),
// and what follows an unpaid award.
func validateSale(d Details) error {
	bad := func(field, format string, args ...any) error {
		return kernel.FieldErrorf(kernel.CodeInvalid, field, format, args...)
	}
	r := d.Rent
	switch {
	case !d.Basis.valid():
		return bad("basis", "unknown price basis %q", d.Basis)
	case d.Basis == BasisRentPerMuYear && d.Asset.Area <= 0:
		return bad("basis", "a rent per mu needs the asset's area")
	case !slices.Contains([]Frequency{"", Annual, SemiAnnual, Quarterly, OneOff}, r.Frequency):
		return bad("rent.frequency", "unknown payment frequency %q", r.Frequency)
	case !d.Basis.Rented() && (r != Rent{}):
		return bad("rent", "rent terms apply only to a rent basis")
	case d.Deposit < 0:
		return bad("deposit", "deposit must not be negative")
	case !slices.Contains([]Method{"", MethodLadder, MethodSealed}, d.Method):
		return bad("method", "unknown sale method %q", d.Method)
	case d.Revisable && !d.Sealed():
		return bad("revisable", "only sealed quotes are revised")
	case !slices.Contains([]PriorityOrder{"", MembersFirst, LesseeFirst}, d.PriorityOrder):
		return bad("priorityOrder", "unknown priority order %q", d.PriorityOrder)
	case !slices.Contains([]Unpaid{"", UnpaidRelist, UnpaidRunnerUp}, d.Unpaid):
		return bad("unpaid", "unknown unpaid-winner rule %q", d.Unpaid)
	case !slices.Contains([]ForfeitTo{"", ForfeitSeller, ForfeitRecovery}, d.ForfeitTo):
		return bad("forfeitTo", "unknown forfeit destination %q", d.ForfeitTo)
	case d.Basis.Rented() && d.DisposalOf != uuid.Nil:
		return bad("basis", "a disposal sells the collateral for a total price")
	case d.ForfeitTo == ForfeitRecovery && d.DisposalOf == uuid.Nil:
		return bad("forfeitTo", "only a disposal's forfeited deposit goes to the loans' recovery")
	}
	if err := r.StepUp.Validate("rent.stepUp"); err != nil {
		return err
	}
	if _, err := d.TermTotal(d.StartingPrice); err != nil {
		return kernel.FieldErrorf(kernel.CodeInvalid, "startingPrice", "%s", kernel.ErrorMessage(err))
	}
	// Rule 26: never below the local rules' least deposit.
	least := percentUp(d.lotPrice(), d.Settings.MinDepositPercent)
	switch {
	case d.Deposit > 0 && d.Deposit < least:
		return kernel.FieldErrorf(CodeDepositBelowRequired, "deposit", "a deposit of %s is below the required %d %% of the listed price: %s",
			d.Deposit, d.Settings.MinDepositPercent, least)
	case d.Deposit == 0 && d.Settings.DepositPercent < d.Settings.MinDepositPercent:
		return kernel.FieldErrorf(CodeDepositBelowRequired, "settings.depositPercent", "a deposit of %d %% is below the required %d %%",
			d.Settings.DepositPercent, d.Settings.MinDepositPercent)
	}
	return nil
}

// percentUp returns pct percent of m, rounded up to the fen.
func percentUp(m kernel.Money, pct int64) kernel.Money {
	q, rem := kernel.MulDivFloor(int64(m), pct, 100)
	if rem > 0 {
		q++
	}
	return kernel.Money(q)
}

// DepositDue is what a bidder must deposit (rules 10, 26): the listing's
// fixed deposit, else the settings' percentage of the listed price for the
// whole lot, rounded up to the fen. Registration records it per bidder; the
// board shows it before anyone registers.
func (d Details) DepositDue() kernel.Money {
	if d.Deposit > 0 {
		return d.Deposit
	}
	return percentUp(d.lotPrice(), d.Settings.DepositPercent)
}

// lotPrice is the listed price for the whole lot, which deposits are a
// percentage of: a rent per mu times the area (validated not to overflow).
func (d Details) lotPrice() kernel.Money {
	if d.PriceBasis() == BasisRentPerMuYear {
		yearly, _ := d.YearlyRent(d.ListedPrice)
		return yearly
	}
	return d.ListedPrice
}

// checkEncumbrances allows an encumbered asset only as the secured party's own
// disposal or with each secured party's written consent.
func checkEncumbrances(d Details) error {
	disposal := false
	for _, e := range d.Asset.Encumbrances {
		if d.DisposalOf != uuid.Nil && e.RegistrationID == d.DisposalOf {
			if e.SecuredParty != d.Seller {
				return kernel.FieldErrorf(CodeAssetEncumbered, "disposalOf", "only the secured party may dispose of collateral")
			}
			disposal = true
		}
	}
	if d.DisposalOf != uuid.Nil && !disposal {
		return kernel.FieldErrorf(kernel.CodeInvalid, "disposalOf", "no such encumbrance on the asset")
	}
	if disposal {
		return nil
	}
	for _, e := range d.Asset.Encumbrances {
		if !consented(d.Consents, e) {
			return kernel.FieldErrorf(CodeAssetEncumbered, "consents",
				"registration %s needs the secured party's written consent", e.RegistrationID)
		}
	}
	return nil
}

func consented(consents []Consent, e Encumbrance) bool {
	for _, c := range consents {
		if c.RegistrationID == e.RegistrationID && c.SecuredParty == e.SecuredParty && c.Document != "" {
			return true
		}
	}
	return false
}

// maxWorkingDays bounds every working-day setting: a year of working days is
// beyond any local practice, and the bound keeps calendar arithmetic short.
const maxWorkingDays = 366

func (st Settings) validate() error {
	bad := func(field string) error {
		return kernel.FieldErrorf(kernel.CodeInvalid, "settings."+field, "invalid setting %s", field)
	}
	badDays := func(n int) bool { return n <= 0 || n > maxWorkingDays }
	switch {
	case st.DepositPercent <= 0 || st.DepositPercent > 100:
		return bad("depositPercent")
	case st.MinDepositPercent < 0 || st.MinDepositPercent > 100:
		return bad("minDepositPercent")
	case st.QuoteWindow <= 0:
		return bad("quoteWindow")
	case badDays(st.MinAnnouncementWorkingDays):
		return bad("minAnnouncementWorkingDays")
	case st.MaxAnnouncementMonths <= 0 || st.MaxAnnouncementMonths > 12:
		return bad("maxAnnouncementMonths")
	case st.MinBidders < 2:
		return bad("minBidders")
	case st.MinBiddersCollectiveOperating < 2:
		return bad("minBiddersCollectiveOperating")
	case st.FreeBidding < 0:
		return bad("freeBidding")
	case st.TimedRound <= 0:
		return bad("timedRound")
	case st.Extension <= 0:
		return bad("extension")
	case badDays(st.NegotiationWorkingDays):
		return bad("negotiationWorkingDays")
	case badDays(st.PriorityWindowWorkingDays):
		return bad("priorityWindowWorkingDays")
	case badDays(st.PaymentWorkingDays):
		return bad("paymentWorkingDays")
	case badDays(st.RefundWorkingDays):
		return bad("refundWorkingDays")
	case st.ResolutionNumerator <= 0 || st.ResolutionDenominator < st.ResolutionNumerator:
		return bad("resolutionNumerator")
	}
	return nil
}

func submit(s State, c SubmitListing, now time.Time) ([]kernel.Event, error) {
	if err := need(s, StatusDraft, StatusRejected); err != nil {
		return nil, err
	}
	r, st := c.Resolution, s.Details.Settings
	if r.VotesFor < 0 || r.Total < 0 || r.VotesFor > r.Total {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "resolution", "votes for must be between 0 and the total")
	}
	// Rule 4: a collective listing its own land or assets needs its members' approval.
	if s.Details.Seller == s.Details.Asset.OwningCollective {
		if r.Total == 0 {
			return nil, kernel.FieldErrorf(CodeResolutionRequired, "resolution", "the members' resolution is required")
		}
		if int64(r.VotesFor)*int64(st.ResolutionDenominator) < int64(r.Total)*int64(st.ResolutionNumerator) {
			return nil, kernel.FieldErrorf(CodeResolutionInsufficient, "resolution",
				"%d of %d votes is less than %d/%d", r.VotesFor, r.Total, st.ResolutionNumerator, st.ResolutionDenominator)
		}
	}
	r.Date = r.Date.UTC()
	return one(ListingSubmitted{ListingID: s.ID, Resolution: r, At: now})
}

func review(s State, c ReviewListing, now time.Time) ([]kernel.Event, error) {
	if err := need(s, StatusSubmitted); err != nil {
		return nil, err
	}
	if !c.Approve {
		if c.Reason == "" {
			return nil, kernel.FieldErrorf(kernel.CodeInvalid, "reason", "a rejection needs a reason")
		}
		return one(ListingRejected{ListingID: s.ID, Reason: c.Reason, At: now})
	}
	st := s.Details.Settings
	ends, opens := c.AnnouncementEnds.UTC(), c.BiddingOpensAt.UTC()
	if earliest := s.Calendar.AddWorkingDays(now, st.MinAnnouncementWorkingDays); ends.Before(earliest) {
		return nil, kernel.FieldErrorf(CodeAnnouncementTooShort, "announcementEnds",
			"the announcement must last %d working days: announcementEnds must be %s or later",
			st.MinAnnouncementWorkingDays, kernel.EarliestAt(earliest))
	}
	if latest := now.AddDate(0, st.MaxAnnouncementMonths, 0); ends.After(latest) {
		return nil, kernel.FieldErrorf(CodeAnnouncementTooLong, "announcementEnds",
			"the announcement may last %d months at most: announcementEnds must be %s or earlier",
			st.MaxAnnouncementMonths, kernel.LatestAt(latest))
	}
	if !opens.After(ends) {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "biddingOpensAt",
			"bidding must open after the announcement ends: biddingOpensAt must be %s or later", kernel.EarliestAt(ends.Add(time.Nanosecond)))
	}
	return one(ListingApproved{ListingID: s.ID, AnnouncementEnds: ends, BiddingOpensAt: opens, At: now})
}

func withdraw(s State, c WithdrawListing, now time.Time) ([]kernel.Event, error) {
	if c.By != s.Details.Seller {
		return nil, kernel.FieldErrorf(kernel.CodeForbidden, "by", "only the seller may withdraw the listing")
	}
	st := s.Status
	if st == StatusSuspended {
		st = s.PrevStatus
	}
	switch st {
	case StatusDraft, StatusSubmitted, StatusRejected, StatusAnnounced, StatusNegotiating, StatusAuctionScheduled, StatusUnsold:
	case StatusAuctionOpen, StatusPriorityWindow, StatusAwaitingPayment, StatusPaid, StatusContractSigned, StatusCertified, StatusArchived:
		return nil, kernel.Errorf(CodeBiddingStarted, "bidding has started")
	default:
		return nil, kernel.Errorf(kernel.CodeInvalidState, "listing is %s", s.Status)
	}
	if st == StatusAuctionScheduled && !now.Before(s.OpensAt) {
		return nil, kernel.Errorf(CodeBiddingStarted, "bidding opened at %s", s.OpensAt.Format(time.RFC3339))
	}
	evs := []kernel.Event{ListingWithdrawn{ListingID: s.ID, By: c.By, Reason: c.Reason, At: now}}
	return releaseHeld(evs, s, now, keepNone), nil
}

func suspend(s State, c SuspendListing, now time.Time) ([]kernel.Event, error) {
	if err := need(s, StatusAnnounced, StatusNegotiating, StatusAuctionScheduled, StatusAuctionOpen); err != nil {
		return nil, err
	}
	if c.Reason == "" {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "reason", "a suspension needs the objection as reason")
	}
	return one(ListingSuspended{ListingID: s.ID, Reason: c.Reason, At: now})
}

// resume restates the pending deadlines. An announcement or a negotiation keeps
// the working days it had left at the suspension, counted again from the
// resumption (the announced bidding time moves by as much as the announcement's
// end); auction times move by the length of the suspension, and an open auction
// gets at least one extension period after resuming so bidders can react.
func resume(s State, now time.Time) ([]kernel.Event, error) {
	if err := need(s, StatusSuspended); err != nil {
		return nil, err
	}
	e := ListingResumed{ListingID: s.ID, At: now}
	cal, pause := s.Calendar, now.Sub(s.SuspendedAt)
	switch s.PrevStatus {
	case StatusAnnounced:
		e.AnnouncementEnds = rebase(cal, s.SuspendedAt, now, s.AnnouncementEnds)
		e.BiddingOpensAt = s.BiddingOpensAt.Add(e.AnnouncementEnds.Sub(s.AnnouncementEnds))
	case StatusNegotiating:
		e.NegotiationEnds = rebase(cal, s.SuspendedAt, now, s.NegotiationEnds)
	case StatusAuctionScheduled, StatusAuctionOpen:
		e.OpensAt, e.FreeBiddingEnds, e.ClosesAt = s.OpensAt.Add(pause), s.FreeBiddingEnds.Add(pause), s.ClosesAt.Add(pause)
		if s.PrevStatus == StatusAuctionOpen {
			e.OpensAt = s.OpensAt
			if least := now.Add(s.Details.Settings.Extension); e.ClosesAt.Before(least) {
				e.ClosesAt = least
			}
		}
	}
	return one(e)
}

// rebase moves a working-day deadline so that it keeps, from resumed, the
// working days it had left at suspended; it never moves earlier.
func rebase(cal kernel.Calendar, suspended, resumed, deadline time.Time) time.Time {
	moved := cal.AddWorkingDays(resumed, cal.WorkingDaysBetween(suspended, deadline))
	if moved.Before(deadline) {
		return deadline
	}
	return moved
}

func registerBidder(s State, c RegisterBidder, now time.Time) ([]kernel.Event, error) {
	if err := need(s, StatusAnnounced); err != nil {
		return nil, err
	}
	if !now.Before(s.AnnouncementEnds) {
		return nil, kernel.Errorf(CodeRegistrationClosed, "registration closed at %s", s.AnnouncementEnds.Format(time.RFC3339))
	}
	if c.BidderID == uuid.Nil {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "bidderId", "bidder id is required")
	}
	if c.BidderID == s.Details.Seller {
		return nil, kernel.FieldErrorf(kernel.CodeForbidden, "bidderId", "the seller may not bid")
	}
	if _, ok := s.index[c.BidderID]; ok {
		return nil, kernel.FieldErrorf(CodeBidderAlreadyRegistered, "bidderId", "bidder %s is registered", c.BidderID)
	}
	return one(BidderRegistered{ListingID: s.ID, BidderID: c.BidderID, BidderNumber: len(s.Bidders) + 1,
		IsMember: c.IsMember, DepositDue: s.Details.DepositDue(), At: now})
}

// registered returns the bidder or BIDDER_NOT_REGISTERED.
func registered(s State, id uuid.UUID) (Bidder, error) {
	b, ok := s.Bidder(id)
	if !ok {
		return Bidder{}, kernel.FieldErrorf(CodeBidderNotRegistered, "bidderId", "bidder %s is not registered", id)
	}
	return b, nil
}

// qualified returns the bidder or BIDDER_NOT_REGISTERED / BIDDER_NOT_QUALIFIED.
func qualified(s State, id uuid.UUID) (Bidder, error) {
	b, err := registered(s, id)
	if err == nil && !b.Qualified {
		err = kernel.FieldErrorf(CodeBidderNotQualified, "bidderId", "bidder %d is not qualified", b.Number)
	}
	return b, err
}

func confirmDeposit(s State, c ConfirmDeposit, now time.Time) ([]kernel.Event, error) {
	if err := need(s, StatusAnnounced); err != nil {
		return nil, err
	}
	b, err := registered(s, c.BidderID)
	if err != nil {
		return nil, err
	}
	if b.DepositState != DepositStateDue {
		return nil, kernel.Errorf(kernel.CodeInvalidState, "deposit is %s", b.DepositState)
	}
	if c.Amount < b.DepositDue {
		return nil, kernel.FieldErrorf(CodeDepositTooLow, "amount", "deposit %s is below the required %s", c.Amount, b.DepositDue)
	}
	return one(DepositConfirmed{ListingID: s.ID, BidderID: b.ID, BidderNumber: b.Number, Amount: c.Amount, At: now})
}

func qualifyBidder(s State, c QualifyBidder, now time.Time) ([]kernel.Event, error) {
	if err := need(s, StatusAnnounced); err != nil {
		return nil, err
	}
	b, err := registered(s, c.BidderID)
	if err != nil {
		return nil, err
	}
	if !c.Qualified {
		if c.Reason == "" {
			return nil, kernel.FieldErrorf(kernel.CodeInvalid, "reason", "a disqualification needs a reason")
		}
		if b.Disqualified != "" {
			return nil, kernel.Errorf(kernel.CodeInvalidState, "bidder %d is disqualified", b.Number)
		}
		evs := []kernel.Event{BidderDisqualified{ListingID: s.ID, BidderID: b.ID, BidderNumber: b.Number, Reason: c.Reason, At: now}}
		return releaseHeld(evs, s, now, func(x Bidder) bool { return x.ID != b.ID }), nil
	}
	switch {
	case b.DepositState != DepositStateHeld:
		return nil, kernel.FieldErrorf(CodeDepositNotConfirmed, "bidderId", "bidder %d has no confirmed deposit", b.Number)
	case b.Qualified || b.Disqualified != "":
		return nil, kernel.Errorf(kernel.CodeInvalidState, "bidder %d was already decided on", b.Number)
	}
	return one(BidderQualified{ListingID: s.ID, BidderID: b.ID, BidderNumber: b.Number, At: now})
}

// releaseHeld appends to evs the release of every held deposit that keep does
// not keep, refundable by the settings' working days from now; it appends
// nothing when no such deposit is held.
func releaseHeld(evs []kernel.Event, s State, now time.Time, keep func(Bidder) bool) []kernel.Event {
	st := s.Details.Settings
	e := DepositsReleased{ListingID: s.ID, Due: s.Calendar.AddWorkingDays(now, st.RefundWorkingDays), At: now}
	for _, b := range s.Bidders {
		if b.DepositState == DepositStateHeld && !keep(b) {
			e.Deposits = append(e.Deposits, ReleasedDeposit{BidderID: b.ID, BidderNumber: b.Number, Amount: b.Deposit})
		}
	}
	if len(e.Deposits) == 0 {
		return evs
	}
	return append(evs, e)
}

// keepNone keeps no deposit.
func keepNone(Bidder) bool { return false }

// keepOnly keeps the deposit of bidder id (the buyer's, applied to the price).
func keepOnly(id uuid.UUID) func(Bidder) bool { return func(b Bidder) bool { return b.ID == id } }

func closeRegistration(s State, now time.Time) ([]kernel.Event, error) {
	if err := need(s, StatusAnnounced); err != nil {
		return nil, err
	}
	if err := notDue(now, s.AnnouncementEnds); err != nil {
		return nil, err
	}
	closed := RegistrationClosed{ListingID: s.ID, At: now}
	var keep uuid.UUID
	for _, b := range s.Bidders {
		if b.Qualified {
			closed.Qualified++
			keep = b.ID
		}
	}
	var evs []kernel.Event
	switch {
	case closed.Qualified == 1:
		st := s.Details.Settings
		closed.Outcome, closed.NegotiatingBidder = OutcomeNegotiation, keep
		closed.NegotiationEnds = s.Calendar.AddWorkingDays(now, st.NegotiationWorkingDays)
		evs = releaseHeld([]kernel.Event{closed}, s, now, keepOnly(keep))
	case closed.Qualified >= s.minBidders():
		closed.Outcome = OutcomeAuction
		opens := s.BiddingOpensAt
		if opens.Before(now) {
			opens = now
		}
		// Sealed quotes (rule 27) are taken for the quote window, with no timed round.
		free, closes := opens.Add(s.Details.Settings.FreeBidding), opens.Add(s.Details.Settings.QuoteWindow)
		if !s.Details.Sealed() {
			closes = free.Add(s.Details.Settings.TimedRound)
		} else {
			free = closes
		}
		evs = []kernel.Event{closed, AuctionScheduled{ListingID: s.ID, OpensAt: opens, FreeBiddingEnds: free, ClosesAt: closes, At: now}}
		// Qualified bidders keep their deposits; the unqualified get theirs back now.
		evs = releaseHeld(evs, s, now, func(b Bidder) bool { return b.Qualified })
	default:
		closed.Outcome = OutcomeUnsold
		reason := "no qualified bidder"
		if closed.Qualified > 0 {
			reason = "fewer qualified bidders than an auction needs"
		}
		evs = releaseHeld([]kernel.Event{closed, ListingUnsold{ListingID: s.ID, Reason: reason, At: now}}, s, now, keepNone)
	}
	return evs, nil
}

func agreePrice(s State, c AgreeNegotiatedPrice, now time.Time) ([]kernel.Event, error) {
	if err := need(s, StatusNegotiating); err != nil {
		return nil, err
	}
	b, err := qualified(s, c.BidderID)
	if err != nil {
		return nil, err
	}
	if b.ID != s.NegotiatingBidder {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "bidderId", "bidder %d is not the negotiating bidder", b.Number)
	}
	if !now.Before(s.NegotiationEnds) {
		return nil, kernel.Errorf(CodeNegotiationClosed, "the negotiation ended at %s", s.NegotiationEnds.Format(time.RFC3339))
	}
	if c.Price < s.Details.ListedPrice {
		return nil, kernel.FieldErrorf(CodePriceBelowListed, "price", "price %s is below the listed %s", c.Price, s.Details.ListedPrice)
	}
	return []kernel.Event{
		NegotiatedPriceAgreed{ListingID: s.ID, BidderID: b.ID, BidderNumber: b.Number, Price: c.Price, At: now},
		confirmAward(s, b, c.Price, ViaNegotiation, now),
	}, nil
}

func closeNegotiation(s State, now time.Time) ([]kernel.Event, error) {
	if err := need(s, StatusNegotiating); err != nil {
		return nil, err
	}
	if err := notDue(now, s.NegotiationEnds); err != nil {
		return nil, err
	}
	return releaseHeld([]kernel.Event{ListingUnsold{ListingID: s.ID, Reason: "no price agreed", At: now}}, s, now, keepNone), nil
}

// confirmAward makes b the buyer at price; the held deposit counts toward
// what is paid through the exchange (Details.FirstPayment).
func confirmAward(s State, b Bidder, price kernel.Money, via Via, now time.Time) AwardConfirmed {
	first, _ := s.Details.FirstPayment(price) // validated when the price was bid
	applied := min(b.Deposit, first)
	return AwardConfirmed{ListingID: s.ID, BidderID: b.ID, BidderNumber: b.Number, Price: price, Via: via,
		DepositApplied: applied, BalanceDue: first - applied,
		PaymentDue: s.Calendar.AddWorkingDays(now, s.Details.Settings.PaymentWorkingDays), At: now}
}

// award confirms b as the buyer at price and releases every held deposit but
// the buyer's and, where the listing offers an unpaid lot to the runner-up,
// the runner-up's.
func award(evs []kernel.Event, s State, b Bidder, price kernel.Money, via Via, now time.Time) []kernel.Event {
	keep := keepOnly(b.ID)
	if next, ok := s.runnerUpFor(b.ID); ok && s.Details.Unpaid == UnpaidRunnerUp {
		keep = func(x Bidder) bool { return x.ID == b.ID || x.ID == next.BidderID }
	}
	return releaseHeld(append(evs, confirmAward(s, b, price, via, now)), s, now, keep)
}

// runnerUpFor returns who would be offered the lot if buyer does not pay: the
// auction's leader when the buyer took the award by a priority right, else the
// runner-up, at its own last bid and only at or above the reserve.
func (s State) runnerUpFor(buyer uuid.UUID) (Bid, bool) {
	for _, b := range []Bid{s.Leader, s.RunnerUp} {
		if b.BidderID != uuid.Nil && b.BidderID != buyer && b.Amount >= s.ReservePrice {
			return b, true
		}
	}
	return Bid{}, false
}

func openBidding(s State, now time.Time) ([]kernel.Event, error) {
	if err := need(s, StatusAuctionScheduled); err != nil {
		return nil, err
	}
	if err := notDue(now, s.OpensAt); err != nil {
		return nil, err
	}
	return one(BiddingOpened{ListingID: s.ID, At: now})
}

// taking checks that bidding (or quoting, sealed) is open at now for a
// qualified bidder id of a listing sold by method; it returns the bidder and
// BiddingOpened when the scheduler has not opened bidding yet.
func taking(s State, id uuid.UUID, method Method, now time.Time) (Bidder, []kernel.Event, error) {
	var evs []kernel.Event
	switch s.Status {
	case StatusAuctionOpen:
	case StatusAuctionScheduled:
		if now.Before(s.OpensAt) {
			return Bidder{}, nil, kernel.Errorf(CodeListingNotOpen, "bidding opens at %s", s.OpensAt.Format(time.RFC3339))
		}
		evs = append(evs, BiddingOpened{ListingID: s.ID, At: now})
	case StatusPriorityWindow, StatusAwaitingPayment, StatusPaid, StatusContractSigned, StatusCertified, StatusArchived:
		return Bidder{}, nil, kernel.Errorf(CodeAuctionClosed, "the auction is closed")
	case StatusUnsold, StatusEnded:
		if !s.ClosesAt.IsZero() {
			return Bidder{}, nil, kernel.Errorf(CodeAuctionClosed, "the auction is closed")
		}
		fallthrough
	default:
		return Bidder{}, nil, kernel.Errorf(CodeListingNotOpen, "listing is %s", s.Status)
	}
	if got := s.Details.Method; (got == MethodSealed) != (method == MethodSealed) {
		if method == MethodSealed {
			return Bidder{}, nil, kernel.Errorf(CodeWrongSaleMethod, "this listing takes ladder bids, not sealed quotes")
		}
		return Bidder{}, nil, kernel.Errorf(CodeWrongSaleMethod, "this listing takes one-time sealed quotes, not ladder bids")
	}
	if !now.Before(s.ClosesAt) {
		return Bidder{}, nil, kernel.Errorf(CodeAuctionClosed, "the auction closed at %s", s.ClosesAt.Format(time.RFC3339))
	}
	b, err := qualified(s, id)
	return b, evs, err
}

// placeBid enforces rules 11 and 12 in constant time: the state keeps the leader
// and the bid count, never the list of bids. An equal bid can never lead: it is
// below the leader plus one increment, so ties go to the earlier bid by refusal.
func placeBid(s State, c PlaceBid, now time.Time) ([]kernel.Event, error) {
	b, evs, err := taking(s, c.BidderID, MethodLadder, now)
	if err != nil {
		return nil, err
	}
	d := s.Details
	lowest := d.StartingPrice
	if s.BidCount > 0 {
		// An overflowing minimum cannot be reached: nobody can outbid such a leader.
		next, err := s.Leader.Amount.Add(d.Increment)
		if err != nil {
			return nil, kernel.FieldErrorf(CodeBidBelowMinimum, "amount", "the leader %s cannot be outbid", s.Leader.Amount)
		}
		lowest = next
	}
	switch off := (c.Amount - d.StartingPrice) % d.Increment; {
	case c.Amount < d.StartingPrice:
		return nil, kernel.FieldErrorf(CodeBidBelowMinimum, "amount", "bid %s is below the starting price %s: the lowest acceptable bid is %s", c.Amount, d.StartingPrice, lowest)
	case off != 0:
		above, err := c.Amount.Add(d.Increment - off)
		if err != nil || above < lowest {
			above = lowest
		}
		return nil, kernel.FieldErrorf(CodeBidNotOnIncrement, "amount", "bid %s is not the starting price %s plus whole increments of %s: the next acceptable bid is %s",
			c.Amount, d.StartingPrice, d.Increment, above)
	case c.Amount < lowest:
		return nil, kernel.FieldErrorf(CodeBidBelowMinimum, "amount", "bid %s is below the leader %s plus one increment: the lowest acceptable bid is %s", c.Amount, s.Leader.Amount, lowest)
	}
	if _, err := d.TermTotal(c.Amount); err != nil {
		return nil, err
	}
	evs = append(evs, BidPlaced{ListingID: s.ID, BidderID: b.ID, BidderNumber: b.Number, Amount: c.Amount, Seq: s.BidCount + 1, At: now})
	// Rule 12: in the timed round, a bid with less than one extension period left
	// restarts the countdown: the close becomes the bid's time plus the period.
	if ext := d.Settings.Extension; !now.Before(s.FreeBiddingEnds) && s.ClosesAt.Sub(now) < ext {
		evs = append(evs, AuctionExtended{ListingID: s.ID, PreviousClose: s.ClosesAt, NewClose: now.Add(ext), At: now})
	}
	return evs, nil
}

// submitQuote takes a sealed quote (rule 27): at least the starting price,
// one per bidder unless the listing allows revisions until the deadline.
func submitQuote(s State, c SubmitQuote, now time.Time) ([]kernel.Event, error) {
	b, evs, err := taking(s, c.BidderID, MethodSealed, now)
	if err != nil {
		return nil, err
	}
	_, revision := s.Quotes[b.ID]
	switch {
	case revision && !s.Details.Revisable:
		return nil, kernel.FieldErrorf(CodeQuoteAlreadySubmitted, "amount", "bidder %d has quoted: this listing takes one quote per bidder", b.Number)
	case c.Amount < s.Details.StartingPrice:
		return nil, kernel.FieldErrorf(CodeBidBelowMinimum, "amount", "a quote below the starting price %s is refused", s.Details.StartingPrice)
	}
	if _, err := s.Details.TermTotal(c.Amount); err != nil {
		return nil, err
	}
	return append(evs, QuoteSubmitted{ListingID: s.ID, BidderID: b.ID, BidderNumber: b.Number, Amount: c.Amount,
		Seq: s.QuoteCount + 1, Revision: revision, At: now}), nil
}

// Ranked returns quotes in rank order (rule 27): the highest amount first, the
// earlier final quote first on equal amounts (Seq orders quotes of one instant).
func Ranked(quotes map[uuid.UUID]Quote) []Quote {
	out := slices.Collect(maps.Values(quotes))
	slices.SortFunc(out, func(a, b Quote) int {
		switch {
		case a.Amount != b.Amount:
			return cmp.Compare(b.Amount, a.Amount)
		case !a.At.Equal(b.At):
			return a.At.Compare(b.At)
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
	return out
}

// openQuotes publishes every final quote in rank order; folded, it makes the
// first the leader, as the highest bid of a ladder auction.
func openQuotes(s State, now time.Time) QuotesOpened {
	e := QuotesOpened{ListingID: s.ID, At: now}
	for _, q := range Ranked(s.Quotes) {
		e.Quotes = append(e.Quotes, OpenedQuote{BidderID: q.BidderID, BidderNumber: q.BidderNumber, Amount: q.Amount,
			SubmittedAt: q.At, Seq: q.Seq})
	}
	return e
}

func closeAuction(s State, now time.Time) ([]kernel.Event, error) {
	if err := need(s, StatusAuctionOpen, StatusAuctionScheduled); err != nil {
		return nil, err
	}
	if err := notDue(now, s.ClosesAt); err != nil {
		return nil, err
	}
	var evs []kernel.Event
	bids := s.BidCount
	if s.Details.Sealed() {
		opened := openQuotes(s, now)
		evs, bids = append(evs, opened), len(opened.Quotes)
		s = Evolve(s, opened) // the first quote leads
	}
	leader := s.Leader
	closed := AuctionClosed{ListingID: s.ID, Bids: bids, At: now}
	// Rule 12: below the reserve price there is no sale.
	if bids == 0 || leader.Amount < s.ReservePrice {
		reason := "no bids"
		if bids > 0 {
			reason = "reserve price not met"
		}
		return releaseHeld(append(evs, closed, ListingUnsold{ListingID: s.ID, Reason: reason, At: now}), s, now, keepNone), nil
	}
	closed.Sold, closed.WinnerID, closed.WinnerNumber, closed.Price = true, leader.BidderID, leader.BidderNumber, leader.Amount
	evs = append(evs, closed)
	winner, _ := s.Bidder(leader.BidderID)
	// Rules 3 and 28: the award is provisional while a priority right may match it.
	if right, ok := s.nextRight(winner, 0); ok {
		return append(evs, s.window(right, closed.Price, now)), nil
	}
	return award(evs, s, winner, closed.Price, ViaAuction, now), nil
}

// nextRight returns the first priority right, from position from in the
// listing's order, whose window opens against winner: a qualified bidder
// other than the winner holds it and the winner holds no right ranked at or
// above it.
func (s State) nextRight(winner Bidder, from int) (Right, bool) {
	for _, r := range s.Details.PriorityOrder.rights()[from:] {
		if s.Holds(winner, r) {
			return "", false
		}
		for _, b := range s.Bidders {
			if b.Qualified && b.ID != winner.ID && s.Holds(b, r) {
				return r, true
			}
		}
	}
	return "", false
}

// window opens the priority window of right at price.
func (s State) window(right Right, price kernel.Money, now time.Time) PriorityWindowOpened {
	st := s.Details.Settings
	return PriorityWindowOpened{ListingID: s.ID, Right: right, Price: price, At: now,
		Ends: s.Calendar.AddWorkingDays(now, st.PriorityWindowWorkingDays)}
}

// exercisePriority is a holder of right matching the winning price in its
// window (rules 3 and 28): the award is confirmed to it at once, as no right
// ranked after this one can take it back.
func exercisePriority(s State, id uuid.UUID, right Right, now time.Time) ([]kernel.Event, error) {
	if err := need(s, StatusPriorityWindow); err != nil {
		return nil, err
	}
	if !now.Before(s.PriorityEnds) {
		return nil, kernel.Errorf(CodePriorityWindowClosed, "the priority window closed at %s", s.PriorityEnds.Format(time.RFC3339))
	}
	if s.PriorityRight != right {
		return nil, kernel.Errorf(CodePriorityNotOpen, "the window open now is for the %s right", s.PriorityRight)
	}
	b, err := qualified(s, id)
	if err != nil {
		return nil, err
	}
	price := s.Award.Price
	var used kernel.Event = MemberPriorityExercised{ListingID: s.ID, BidderID: b.ID, BidderNumber: b.Number, Price: price, At: now}
	via := ViaMemberPriority
	switch {
	case right == RightMember && !s.Holds(b, right):
		return nil, kernel.FieldErrorf(CodeNotAMember, "bidderId", "bidder %d is not a member of the owning collective", b.Number)
	case right == RightSittingLessee && !s.Holds(b, right):
		return nil, kernel.FieldErrorf(CodeNotSittingLessee, "bidderId", "bidder %d is not the sitting lessee", b.Number)
	case right == RightSittingLessee:
		used, via = LesseePriorityExercised{ListingID: s.ID, BidderID: b.ID, BidderNumber: b.Number, Price: price, At: now}, ViaSittingLessee
	}
	return award([]kernel.Event{used}, s, b, price, via, now), nil
}

// closePriorityWindow ends a window nobody used: the next right's window
// opens, or the auction's winner is confirmed.
func closePriorityWindow(s State, now time.Time) ([]kernel.Event, error) {
	if err := need(s, StatusPriorityWindow); err != nil {
		return nil, err
	}
	if err := notDue(now, s.PriorityEnds); err != nil {
		return nil, err
	}
	winner, _ := s.Bidder(s.Award.BidderID)
	if right, ok := s.nextRight(winner, slices.Index(s.Details.PriorityOrder.rights(), s.PriorityRight)+1); ok {
		return one(s.window(right, s.Award.Price, now))
	}
	return award(nil, s, winner, s.Award.Price, ViaAuction, now), nil
}

func confirmPayment(s State, c ConfirmPayment, now time.Time) ([]kernel.Event, error) {
	if err := need(s, StatusAwaitingPayment); err != nil {
		return nil, err
	}
	if !now.Before(s.Award.PaymentDue) {
		return nil, kernel.Errorf(CodePaymentOverdue, "payment was due by %s", s.Award.PaymentDue.Format(time.RFC3339))
	}
	if c.Amount != s.Award.BalanceDue {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "amount", "the balance due is %s, not %s", s.Award.BalanceDue, c.Amount)
	}
	// A runner-up's deposit kept in reserve goes back once the buyer has paid.
	paid := []kernel.Event{PaymentConfirmed{ListingID: s.ID, BidderID: s.Award.BidderID, Amount: c.Amount, At: now}}
	return releaseHeld(paid, s, now, keepOnly(s.Award.BidderID)), nil
}

// forfeit ends an unpaid award (rule 13): the buyer's deposit goes where the
// listing says, then the lot is offered to the runner-up where the listing
// says so, else the round ends unsold. A runner-up that does not take its
// offer forfeits nothing: its deposit is released.
func forfeit(s State, now time.Time) ([]kernel.Event, error) {
	if err := need(s, StatusAwaitingPayment); err != nil {
		return nil, err
	}
	if err := notDue(now, s.Award.PaymentDue); err != nil {
		return nil, err
	}
	if s.Award.Via == ViaRunnerUp {
		evs := []kernel.Event{ListingUnsold{ListingID: s.ID, Reason: "the runner-up did not take the offer", At: now}}
		return releaseHeld(evs, s, now, keepNone), nil
	}
	evs := []kernel.Event{DepositForfeited{ListingID: s.ID, BidderID: s.Award.BidderID, BidderNumber: s.Award.BidderNumber,
		Amount: s.Award.DepositApplied, To: s.Details.ForfeitDestination(), At: now}}
	if next, ok := s.runnerUpFor(s.Award.BidderID); ok && s.Details.Unpaid == UnpaidRunnerUp {
		b, _ := s.Bidder(next.BidderID)
		return append(evs, confirmAward(s, b, next.Amount, ViaRunnerUp, now)), nil
	}
	return append(evs, ListingUnsold{ListingID: s.ID, Reason: "the buyer did not pay in time", At: now}), nil
}

func refund(s State, c RefundDeposit, now time.Time) ([]kernel.Event, error) {
	r, ok := s.Refunds[c.BidderID]
	if !ok {
		return nil, kernel.FieldErrorf(kernel.CodeNotFound, "bidderId", "no deposit to refund to %s", c.BidderID)
	}
	return one(DepositRefunded{ListingID: s.ID, BidderID: c.BidderID, Amount: r.Amount, Due: r.Due, At: now})
}
