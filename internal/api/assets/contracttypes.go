package assets

import (
	"time"

	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/readmodel/assetview"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

// contractNode is a contract as the API shows it, with the time arrears are counted at.
type contractNode struct {
	assetview.Contract
	now time.Time
}

// seesRent reports whether v may see a contract's rent schedule and payments:
// its parties (transferor, transferee, owning collective), the exchange and
// the fund (which advances rent).
func seesRent(v auth.Principal, c contractNode) bool {
	return v.Role == auth.RoleExchange || v.Role == auth.RoleFund || c.IsParty(v.Party)
}

var (
	contractDocumentType = graphql.NewObject(graphql.ObjectConfig{
		Name: "ContractDocument", Description: "A written contract, renewal or termination paper.",
		Fields: graphql.Fields{
			"reference": api.Field(api.NonNull(graphql.String), "", func(d transfer.Document) any { return d.Reference }),
			"signed":    api.Field(api.DateTime, "", func(d transfer.Document) any { return d.Signed }),
		},
	})
	contractPlotType = graphql.NewObject(graphql.ObjectConfig{
		Name: "TransferContractPlot", Description: "A plot a transfer contract covers.",
		Fields: graphql.Fields{
			"assetId": api.Field(api.NonNull(graphql.ID), "", func(p assetview.ContractPlot) any { return p.AssetID.String() }),
			"area":    api.Field(api.NonNull(api.Area), "The area transferred.", func(p assetview.ContractPlot) any { return p.Area }),
		},
	})
	instalmentType = graphql.NewObject(graphql.ObjectConfig{
		Name: "RentInstalment", Description: "One rent payment of the schedule, due at the start of its period.",
		Fields: graphql.Fields{
			"no":          api.Field(api.NonNull(graphql.Int), "", func(i transfer.Instalment) any { return i.No }),
			"due":         api.Field(api.NonNull(api.DateTime), "", func(i transfer.Instalment) any { return i.Due }),
			"amount":      api.Field(api.NonNull(api.Money), "", func(i transfer.Instalment) any { return i.Amount }),
			"paid":        api.Field(api.NonNull(api.Money), "", func(i transfer.Instalment) any { return i.Paid }),
			"outstanding": api.Field(api.NonNull(api.Money), "", func(i transfer.Instalment) any { return i.Outstanding() }),
			"overdue":     api.Field(api.NonNull(graphql.Boolean), "Marked overdue: its due date passed unpaid.", func(i transfer.Instalment) any { return i.Overdue }),
		},
	})
	paymentType = graphql.NewObject(graphql.ObjectConfig{
		Name: "RentPayment", Description: "A rent payment, by the transferee or the fund advancing rent.",
		Fields: graphql.Fields{
			"payerId": api.Field(api.NonNull(graphql.ID), "", func(p assetview.Payment) any { return p.Payer.String() }),
			"amount":  api.Field(api.NonNull(api.Money), "", func(p assetview.Payment) any { return p.Amount }),
			"at":      api.Field(api.NonNull(api.DateTime), "", func(p assetview.Payment) any { return p.At }),
		},
	})
	offerType = graphql.NewObject(graphql.ObjectConfig{
		Name: "RenewalOffer", Description: "The transferor's open offer to renew with the existing transferee.",
		Fields: graphql.Fields{
			"end":           api.Field(api.NonNull(api.DateTime), "", func(o transfer.RenewalOffer) any { return o.End }),
			"rentPerMuYear": api.Field(api.NonNull(api.Money), "", func(o transfer.RenewalOffer) any { return o.RentPerMuYear }),
			"frequency":     api.Field(api.NonNull(frequencyEnum), "", func(o transfer.RenewalOffer) any { return o.Frequency }),
			"respondBy":     api.Field(api.NonNull(api.DateTime), "", func(o transfer.RenewalOffer) any { return o.RespondBy }),
		},
	})
	mortgageType = graphql.NewObject(graphql.ObjectConfig{
		Name: "TransferredRightMortgage", Description: "A mortgage of the transferred management right.",
		Fields: graphql.Fields{
			"registrationId": api.Field(api.NonNull(graphql.ID), "", func(m transfer.Mortgage) any { return m.RegistrationID.String() }),
			"securedPartyId": api.Field(api.NonNull(graphql.ID), "", func(m transfer.Mortgage) any { return m.SecuredParty.String() }),
		},
	})
	contractType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "TransferContract",
		Description: "A land transfer contract. Terms are public; the rent schedule, payments and arrears only to its parties, the exchange and the fund.",
		Fields: graphql.Fields{
			"id":               api.Field(api.NonNull(graphql.ID), "", func(c contractNode) any { return c.ID.String() }),
			"listingId":        api.Field(graphql.ID, "The listing it was awarded on; null when signed directly.", func(c contractNode) any { return api.Nullable(c.ListingID) }),
			"status":           api.Field(api.NonNull(statusEnum), "", func(c contractNode) any { return c.Status }),
			"transferorId":     api.Field(api.NonNull(graphql.ID), "", func(c contractNode) any { return c.Transferor.String() }),
			"transfereeId":     api.Field(api.NonNull(graphql.ID), "", func(c contractNode) any { return c.Transferee.String() }),
			"collectiveId":     api.Field(api.NonNull(graphql.ID), "The collective owning the plots.", func(c contractNode) any { return c.Collective.String() }),
			"plots":            api.Field(api.ListOf(contractPlotType), "", func(c contractNode) any { return c.Plots }),
			"area":             api.Field(api.NonNull(api.Area), "", func(c contractNode) any { return c.Area }),
			"form":             api.Field(api.NonNull(formEnum), "", func(c contractNode) any { return c.Form }),
			"use":              api.Field(api.NonNull(useEnum), "", func(c contractNode) any { return c.Use }),
			"start":            api.Field(api.NonNull(api.DateTime), "", func(c contractNode) any { return c.Start }),
			"end":              api.Field(api.NonNull(api.DateTime), "The term's end (moves on renewal).", func(c contractNode) any { return c.End }),
			"rentPerMuYear":    api.Field(api.NonNull(api.Money), "0.00 for a lease whose rent is stated for the whole contract (annualRent).", func(c contractNode) any { return c.RentPerMuYear }),
			"annualRent":       api.Field(api.Money, "The whole contract's first-year rent, for a lease made from an annual-rent award (rule 25); null for a rent per mu.", func(c contractNode) any { return api.Nullable(c.AnnualRent) }),
			"stepUpEveryYears": api.Field(graphql.Int, "The yearly rent rises every so many years; null without a step-up.", func(c contractNode) any { return api.Nullable(c.StepUp.EveryYears) }),
			"stepUpPercent":    api.Field(graphql.Int, "By this percentage, compounded.", func(c contractNode) any { return api.Nullable(int(c.StepUp.Percent)) }),
			"prepaid":          api.Field(api.Money, "Rent paid through the exchange at the award, counted on the first instalments; null when none.", func(c contractNode) any { return api.Nullable(c.Prepaid) }),
			"frequency":        api.Field(api.NonNull(frequencyEnum), "", func(c contractNode) any { return c.Frequency }),
			"document": api.Field(contractDocumentType, "The signed contract; null while drafted.", func(c contractNode) any {
				if c.Document.Reference == "" {
					return nil
				}
				return c.Document
			}),
			"filed":             api.Field(api.NonNull(graphql.Boolean), "Filed (备案) with the owning collective.", func(c contractNode) any { return c.FilingNo != "" }),
			"filingNo":          api.Field(graphql.String, "", func(c contractNode) any { return api.Nullable(c.FilingNo) }),
			"filedAt":           api.Field(api.DateTime, "", func(c contractNode) any { return c.FiledAt }),
			"registered":        api.Field(api.NonNull(graphql.Boolean), "Registered (terms of 5+ years, rule 6).", func(c contractNode) any { return c.RegistrationNo != "" }),
			"registrationNo":    api.Field(graphql.String, "", func(c contractNode) any { return api.Nullable(c.RegistrationNo) }),
			"registeredAt":      api.Field(api.DateTime, "", func(c contractNode) any { return c.RegisteredAt }),
			"terminationReason": api.Field(reasonEnum, "", func(c contractNode) any { return api.Nullable(c.TerminationReason) }),
			"terminatedBy":      api.Field(graphql.ID, "", func(c contractNode) any { return api.Nullable(c.TerminatedBy) }),
			"endedAt":           api.Field(api.DateTime, "When it was terminated or expired.", func(c contractNode) any { return c.EndedAt }),
			"renewalOffer":      api.Field(offerType, "", func(c contractNode) any { return derefOffer(c.Offer) }),
			"renewalDeclined":   api.Field(api.NonNull(graphql.Boolean), "", func(c contractNode) any { return c.RenewalDeclined }),
			"mortgages":         api.Field(api.ListOf(mortgageType), "", func(c contractNode) any { return c.Mortgages }),
			"instalments": api.Private(graphql.NewList(api.NonNull(instalmentType)), "The rent schedule.", seesRent,
				func(c contractNode) any { return c.Instalments }),
			"payments": api.Private(graphql.NewList(api.NonNull(paymentType)), "", seesRent,
				func(c contractNode) any { return c.Payments }),
			"paid":        api.Private(api.Money, "Rent paid so far.", seesRent, func(c contractNode) any { return c.Paid() }),
			"outstanding": api.Private(api.Money, "Rent still owed over the whole schedule.", seesRent, func(c contractNode) any { return c.Outstanding() }),
			"arrears":     api.Private(api.Money, "Rent due by now and unpaid.", seesRent, func(c contractNode) any { return c.Arrears(c.now) }),
			"cancelledRent": api.Private(api.Money, "Rent no longer owed after an early termination.", seesRent,
				func(c contractNode) any { return c.Cancelled }),
			"createdAt": api.Field(api.NonNull(api.DateTime), "", func(c contractNode) any { return c.CreatedAt }),
			"signedAt":  api.Field(api.DateTime, "", func(c contractNode) any { return c.SignedAt }),
			"updatedAt": api.Field(api.NonNull(api.DateTime), "", func(c contractNode) any { return c.UpdatedAt }),
		},
	})
)

func derefOffer(o *transfer.RenewalOffer) any {
	if o == nil {
		return nil
	}
	return *o
}
