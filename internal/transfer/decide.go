package transfer

import (
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Decider is the transfer-contract aggregate, category "transfer".
var Decider = kernel.Decider[State, Command]{Category: "transfer", Decide: Decide, Evolve: Evolve}

// Decide turns a command into events, or refuses it with a *kernel.Error.
func Decide(s State, c Command, now time.Time) ([]kernel.Event, error) {
	now = now.UTC()
	if err := kernel.CheckCommandText(c); err != nil {
		return nil, err
	}
	switch c := c.(type) {
	case DraftFromAward:
		if s.Status != "" {
			return nil, kernel.Errorf(kernel.CodeConflict, "contract %s already exists", s.ID)
		}
		if c.ListingID == uuid.Nil {
			return nil, kernel.FieldErrorf(kernel.CodeInvalid, "listingId", "required")
		}
		t := c.Terms.utc()
		if err := checkTerms(c.ContractID, t); err != nil {
			return nil, err
		}
		return one(ContractDrafted{ContractID: c.ContractID, ListingID: c.ListingID, Terms: t, At: now})
	case SignDirect:
		if s.Status != "" {
			return nil, kernel.Errorf(kernel.CodeConflict, "contract %s already exists", s.ID)
		}
		t := c.Terms.utc()
		if err := checkTerms(c.ContractID, t); err != nil {
			return nil, err
		}
		return sign(c.ContractID, uuid.Nil, t, c.Document, now)
	case SignContract:
		if s.Status == "" {
			return nil, kernel.Errorf(kernel.CodeNotFound, "contract %s does not exist", c.ContractID)
		}
		if s.Status != StatusDrafted {
			return nil, kernel.Errorf(kernel.CodeInvalidState, "only a drafted contract is signed; contract %s is %q", c.ContractID, s.Status)
		}
		return sign(s.ID, s.ListingID, s.Terms, c.Document, now)
	}
	if s.Status == "" {
		return nil, kernel.Errorf(kernel.CodeNotFound, "contract %s does not exist", c.AggregateID())
	}
	if _, pay := c.(PayRent); !pay && s.Status != StatusInForce {
		return nil, kernel.Errorf(CodeContractNotInForce, "contract %s is %s", s.ID, s.Status)
	}
	switch c := c.(type) {
	case FileContract:
		return file(s, c, now)
	case RegisterContract:
		return register(s, c, now)
	case PayRent:
		return payRent(s, c, now)
	case MarkRentOverdue:
		return markOverdue(s, c, now)
	case Terminate:
		return terminate(s, c, now)
	case OfferRenewal:
		return offerRenewal(s, c, now)
	case AcceptRenewal:
		return acceptRenewal(s, c, now)
	case DeclineRenewal:
		if c.By != s.Terms.Transferee {
			return nil, kernel.Errorf(kernel.CodeForbidden, "only the transferee can waive its renewal priority")
		}
		if s.RenewalDeclined {
			return nil, kernel.Errorf(kernel.CodeInvalidState, "the renewal was already declined")
		}
		return one(RenewalDeclined{ContractID: s.ID, By: c.By, At: now})
	case Expire:
		if now.Before(s.Terms.End) {
			return nil, kernel.Errorf(CodeNotYetDue, "the term runs until %s", s.Terms.End.Format(time.RFC3339))
		}
		return one(ContractExpired{ContractID: s.ID, At: now})
	case MortgageRight:
		return mortgage(s, c, now)
	}
	return nil, kernel.Errorf(kernel.CodeInvalid, "unknown transfer command %T", c)
}

func one(e kernel.Event) ([]kernel.Event, error) { return []kernel.Event{e}, nil }

func sign(id, listing uuid.UUID, t Terms, doc Document, now time.Time) ([]kernel.Event, error) {
	if !doc.present() {
		return nil, kernel.FieldErrorf(CodeWrittenContractRequired, "document", "a transfer contract must be written and signed")
	}
	instalments, err := t.Instalments()
	if err != nil {
		return nil, err
	}
	doc.Signed = doc.Signed.UTC()
	return one(ContractSigned{ContractID: id, ListingID: listing, Terms: t, Area: t.Area(), Instalments: instalments, Document: doc, At: now})
}

// checkTerms validates what the parties agree, rule by rule.
func checkTerms(id uuid.UUID, t Terms) error {
	switch {
	case id == uuid.Nil:
		return kernel.FieldErrorf(kernel.CodeInvalid, "contractId", "required")
	case t.Transferor == uuid.Nil:
		return kernel.FieldErrorf(kernel.CodeInvalid, "transferor", "required")
	case t.Transferee == uuid.Nil || t.Transferee == t.Transferor:
		return kernel.FieldErrorf(kernel.CodeInvalid, "transferee", "required and different from the transferor")
	case !t.Form.valid():
		return kernel.FieldErrorf(kernel.CodeInvalid, "form", "unknown transfer form %q", t.Form)
	}
	if err := checkPlots(t.Plots); err != nil {
		return err
	}
	if ag, known := agricultural[t.Use]; !known {
		return kernel.FieldErrorf(kernel.CodeInvalid, "use", "unknown land use %q", t.Use)
	} else if !ag {
		return kernel.FieldErrorf(CodeNonAgriculturalUse, "use", "transferred land stays in agricultural use, not %s", t.Use)
	}
	if !t.End.After(t.Start) {
		return kernel.FieldErrorf(kernel.CodeInvalid, "end", "end must be after the start: %s or later", kernel.EarliestAt(t.Start.Add(time.Nanosecond)))
	}
	if end := t.RightEnd(); t.End.After(end) {
		return kernel.FieldErrorf(CodeTermExceedsContract, "end", "the term ends after the remaining contract right: end must be %s or earlier",
			kernel.LatestAt(end))
	}
	if _, err := t.Instalments(); err != nil {
		return err
	}
	for _, p := range t.Plots {
		if err := checkAuthority(t, p); err != nil {
			return err
		}
		if p.PriorityHolder != uuid.Nil && p.PriorityHolder != t.Transferee {
			return kernel.FieldErrorf(CodeRenewalPriority, "transferee", "the existing transferee of plot %s has renewal priority under equal conditions", p.AssetID)
		}
	}
	return checkResolution(t)
}

func checkPlots(plots []Plot) error {
	if len(plots) == 0 {
		return kernel.FieldErrorf(kernel.CodeInvalid, "plots", "at least one plot is required")
	}
	seen := map[uuid.UUID]bool{}
	for _, p := range plots {
		switch {
		case p.AssetID == uuid.Nil || seen[p.AssetID]:
			return kernel.FieldErrorf(kernel.CodeInvalid, "plots.assetId", "every plot needs its own asset id")
		case p.Area <= 0:
			return kernel.FieldErrorf(kernel.CodeInvalid, "plots.area", "must be positive")
		case p.Collective == uuid.Nil || p.Collective != plots[0].Collective:
			return kernel.FieldErrorf(kernel.CodeInvalid, "plots.collective", "all plots belong to one collective")
		case p.Holder == uuid.Nil || p.ContractEnd.IsZero():
			return kernel.FieldErrorf(kernel.CodeInvalid, "plots", "each plot needs its holder and contract end")
		}
		seen[p.AssetID] = true
	}
	return nil
}

// checkAuthority checks that the transferor may transfer plot p: as holder
// (a transferee re-transferring needs the contractor's consent, rule 7) or
// under the household's entrustment covering form and term (rule 5).
func checkAuthority(t Terms, p Plot) error {
	switch {
	case t.Transferor == p.Holder:
		if p.Contractor != uuid.Nil && p.Holder != p.Contractor && !hasConsent(t.Consents, p, t.Transferor, ConsentReTransfer) {
			return kernel.FieldErrorf(CodeReTransferWithoutConsent, "consents", "the contracting household of plot %s has not consented in writing to a re-transfer", p.AssetID)
		}
		return nil
	case p.Entrustment != nil && p.Entrustment.Entrustee == t.Transferor && p.Holder == p.Contractor:
		e := p.Entrustment
		if !hasForm(e.Scope, t.Form) || t.Start.Before(e.Start) || t.End.After(e.End) {
			return kernel.FieldErrorf(CodeEntrustmentDoesNotCover, "plots.entrustment", "the entrustment of plot %s does not cover %s from %s to %s",
				p.AssetID, t.Form, t.Start.Format(time.DateOnly), t.End.Format(time.DateOnly))
		}
		return nil
	case p.Contractor != uuid.Nil && p.Holder == p.Contractor:
		return kernel.FieldErrorf(CodeNotEntrusted, "transferor", "the household of plot %s has not entrusted it to the transferor", p.AssetID)
	}
	return kernel.FieldErrorf(CodeNotRightHolder, "transferor", "the transferor does not hold plot %s", p.AssetID)
}

func hasConsent(consents []Consent, p Plot, grantee uuid.UUID, purpose ConsentPurpose) bool {
	return slices.ContainsFunc(consents, func(c Consent) bool {
		return c.AssetID == p.AssetID && c.Contractor == p.Contractor && c.Grantee == grantee && c.Purpose == purpose && c.Document.present()
	})
}

// checkResolution applies rule 4: a collective contracting land it holds itself
// to an outsider needs 2/3 of its villagers' assembly or representatives.
func checkResolution(t Terms) error {
	collectiveLand := slices.ContainsFunc(t.Plots, func(p Plot) bool { return p.Holder == p.Collective && t.Transferor == p.Collective })
	if t.TransfereeIsMember || !collectiveLand {
		return nil
	}
	r := t.Resolution
	switch {
	case r == nil:
		return kernel.FieldErrorf(CodeResolutionRequired, "resolution", "contracting collective land to an outsider needs the members' resolution")
	case r.Body != VillagersAssembly && r.Body != VillagerRepresentatives:
		return kernel.FieldErrorf(kernel.CodeInvalid, "resolution.body", "unknown body %q", r.Body)
	case r.Total <= 0 || r.VotesFor < 0 || r.VotesFor > r.Total:
		return kernel.FieldErrorf(kernel.CodeInvalid, "resolution.votesFor", "votes for must be between 0 and the total, and the total positive")
	case !r.Document.present():
		return kernel.FieldErrorf(CodeWrittenContractRequired, "resolution.document", "the resolution must be minuted")
	case int64(r.VotesFor)*ResolutionDenominator < int64(r.Total)*ResolutionNumerator:
		return kernel.FieldErrorf(CodeResolutionNotPassed, "resolution.votesFor", "%d of %d is less than %d/%d", r.VotesFor, r.Total, ResolutionNumerator, ResolutionDenominator)
	}
	return nil
}

func file(s State, c FileContract, now time.Time) ([]kernel.Event, error) {
	switch {
	case c.By != s.Collective():
		return nil, kernel.Errorf(kernel.CodeForbidden, "a contract is filed with the owning collective")
	case strings.TrimSpace(c.FilingNo) == "":
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "filingNo", "required")
	case s.FilingNo != "":
		return nil, kernel.Errorf(kernel.CodeConflict, "already filed as %s", s.FilingNo)
	}
	return one(ContractFiled{ContractID: s.ID, Collective: c.By, FilingNo: c.FilingNo, At: now})
}

func register(s State, c RegisterContract, now time.Time) ([]kernel.Event, error) {
	switch {
	case s.Terms.End.Before(s.Terms.Start.AddDate(MinRegistrationYears, 0, 0)):
		return nil, kernel.Errorf(CodeRegistrationTermTooShort, "only terms of %d years or more are registered", MinRegistrationYears)
	case strings.TrimSpace(c.RegistrationNo) == "":
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "registrationNo", "required")
	case s.RegistrationNo != "":
		return nil, kernel.Errorf(kernel.CodeConflict, "already registered as %s", s.RegistrationNo)
	}
	return one(ContractRegistered{ContractID: s.ID, RegistrationNo: c.RegistrationNo, At: now})
}

func payRent(s State, c PayRent, now time.Time) ([]kernel.Event, error) {
	switch {
	case s.Status == StatusDrafted:
		return nil, kernel.Errorf(CodeContractNotInForce, "the contract is not signed yet")
	case c.Payer == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "payer", "required")
	case c.Amount <= 0:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "amount", "must be positive")
	case c.Amount > s.Outstanding():
		return nil, kernel.FieldErrorf(CodeRentOverpaid, "amount", "only %s yuan is owed", s.Outstanding())
	}
	var alloc []Allocation
	left := c.Amount
	for _, i := range s.Instalments {
		if part := min(left, i.Outstanding()); part > 0 {
			alloc = append(alloc, Allocation{No: i.No, Amount: part})
			left -= part
		}
	}
	return one(RentPaid{ContractID: s.ID, Payer: c.Payer, Amount: c.Amount, Allocations: alloc, At: now})
}

func markOverdue(s State, c MarkRentOverdue, now time.Time) ([]kernel.Event, error) {
	i := slices.IndexFunc(s.Instalments, func(i Instalment) bool { return i.No == c.No })
	if i < 0 {
		return nil, kernel.FieldErrorf(kernel.CodeNotFound, "no", "no instalment %d", c.No)
	}
	in := s.Instalments[i]
	switch {
	case now.Before(in.Due):
		return nil, kernel.Errorf(CodeNotYetDue, "instalment %d is due %s", in.No, in.Due.Format(time.RFC3339))
	case in.Outstanding() == 0 || in.Overdue:
		return nil, kernel.Errorf(kernel.CodeInvalidState, "instalment %d is paid or already overdue", in.No)
	}
	return one(RentOverdue{ContractID: s.ID, No: in.No, Due: in.Due, Outstanding: in.Outstanding(), At: now})
}

func terminate(s State, c Terminate, now time.Time) ([]kernel.Event, error) {
	forCause := c.By == s.Terms.Transferor || c.By == s.Collective()
	switch c.Reason {
	case ReasonChangedUse, ReasonSeriousDamage:
	case ReasonLandIdle:
		if c.IdleSince.IsZero() || now.Before(c.IdleSince.AddDate(IdleYears, 0, 0)) {
			return nil, kernel.FieldErrorf(CodeIdleTooShort, "idleSince", "land must lie idle %d consecutive years", IdleYears)
		}
	case ReasonRentUnpaid:
		if !s.InArrears() {
			return nil, kernel.Errorf(CodeNotInArrears, "no rent is overdue")
		}
	case ReasonMutualAgreement:
		forCause = c.By == s.Terms.Transferor || c.By == s.Terms.Transferee
	default:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "reason", "unknown reason %q", c.Reason)
	}
	switch {
	case !forCause:
		return nil, kernel.Errorf(kernel.CodeForbidden, "%s may not terminate for %s", c.By, c.Reason)
	case !c.Document.present():
		return nil, kernel.FieldErrorf(CodeWrittenContractRequired, "document", "termination needs its written notice or agreement")
	}
	doc := c.Document
	doc.Signed = doc.Signed.UTC()
	var cancelled kernel.Money
	for _, i := range s.Instalments {
		if i.Due.After(now) {
			cancelled += i.Outstanding()
		}
	}
	return one(ContractTerminated{ContractID: s.ID, By: c.By, Reason: c.Reason, Document: doc, IdleSince: c.IdleSince.UTC(),
		Cancelled: cancelled, At: now})
}

func offerRenewal(s State, c OfferRenewal, now time.Time) ([]kernel.Event, error) {
	switch {
	case c.By != s.Terms.Transferor:
		return nil, kernel.Errorf(kernel.CodeForbidden, "only the transferor offers a renewal")
	case s.RenewalDeclined:
		return nil, kernel.Errorf(kernel.CodeInvalidState, "the transferee declined the renewal")
	case s.Offer != nil && !now.After(s.Offer.RespondBy):
		return nil, kernel.Errorf(kernel.CodeInvalidState, "an offer is open until %s", s.Offer.RespondBy.Format(time.RFC3339))
	case !c.End.After(s.Terms.End):
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "end", "a renewal ends after the current term: end must be %s or later", kernel.EarliestAt(s.Terms.End.Add(time.Nanosecond)))
	case c.End.After(s.Terms.RightEnd()):
		return nil, kernel.FieldErrorf(CodeTermExceedsContract, "end", "the renewal ends after the remaining contract right: end must be %s or earlier", kernel.LatestAt(s.Terms.RightEnd()))
	case !c.RespondBy.After(now) || c.RespondBy.After(s.Terms.End):
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "respondBy", "must be in the future and before the term ends")
	}
	if _, err := Schedule(c.RentPerMuYear, s.Area, s.Terms.End, c.End, c.Frequency, 1); err != nil {
		return nil, err
	}
	return one(RenewalOffered{ContractID: s.ID, End: c.End.UTC(), RentPerMuYear: c.RentPerMuYear, Frequency: c.Frequency, RespondBy: c.RespondBy.UTC(), At: now})
}

func acceptRenewal(s State, c AcceptRenewal, now time.Time) ([]kernel.Event, error) {
	switch {
	case c.By != s.Terms.Transferee:
		return nil, kernel.Errorf(kernel.CodeForbidden, "only the transferee accepts a renewal")
	case s.Offer == nil:
		return nil, kernel.Errorf(kernel.CodeInvalidState, "no renewal was offered")
	case now.After(s.Offer.RespondBy):
		return nil, kernel.Errorf(CodeRenewalOfferLapsed, "the offer lapsed at %s", s.Offer.RespondBy.Format(time.RFC3339))
	case !c.Document.present():
		return nil, kernel.FieldErrorf(CodeWrittenContractRequired, "document", "a renewal must be written and signed")
	}
	o := s.Offer
	instalments, err := Schedule(o.RentPerMuYear, s.Area, s.Terms.End, o.End, o.Frequency, len(s.Instalments)+1)
	if err != nil {
		return nil, err
	}
	doc := c.Document
	doc.Signed = doc.Signed.UTC()
	return one(ContractRenewed{ContractID: s.ID, PreviousEnd: s.Terms.End, End: o.End, RentPerMuYear: o.RentPerMuYear,
		Frequency: o.Frequency, Instalments: instalments, Document: doc, At: now})
}

func mortgage(s State, c MortgageRight, now time.Time) ([]kernel.Event, error) {
	switch {
	case c.By != s.Terms.Transferee:
		return nil, kernel.Errorf(kernel.CodeForbidden, "only the transferee mortgages the right it holds")
	case c.RegistrationID == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "registrationId", "required")
	case c.SecuredParty == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "securedParty", "required")
	case slices.ContainsFunc(s.Mortgages, func(m Mortgage) bool { return m.RegistrationID == c.RegistrationID }):
		return nil, kernel.FieldErrorf(kernel.CodeConflict, "registrationId", "already recorded")
	}
	for _, p := range s.Terms.Plots {
		if p.Contractor != uuid.Nil && !hasConsent(c.Consents, p, c.By, ConsentMortgage) {
			return nil, kernel.FieldErrorf(CodeMortgageWithoutConsent, "consents", "the contracting household of plot %s has not consented in writing to a mortgage", p.AssetID)
		}
	}
	return one(RightMortgaged{ContractID: s.ID, RegistrationID: c.RegistrationID, SecuredParty: c.SecuredParty,
		Consents: utcConsents(c.Consents), At: now})
}
