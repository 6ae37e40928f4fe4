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
			"reference": field(nonNull(graphql.String), "", func(d transfer.Document) any { return d.Reference }),
			"signed":    field(api.DateTime, "", func(d transfer.Document) any { return d.Signed }),
		},
	})
	contractPlotType = graphql.NewObject(graphql.ObjectConfig{
		Name: "TransferContractPlot", Description: "A plot a transfer contract covers.",
		Fields: graphql.Fields{
			"assetId": field(nonNull(graphql.ID), "", func(p assetview.ContractPlot) any { return p.AssetID.String() }),
			"area":    field(nonNull(api.Area), "The area transferred.", func(p assetview.ContractPlot) any { return p.Area }),
		},
	})
	instalmentType = graphql.NewObject(graphql.ObjectConfig{
		Name: "RentInstalment", Description: "One rent payment of the schedule, due at the start of its period.",
		Fields: graphql.Fields{
			"no":          field(nonNull(graphql.Int), "", func(i transfer.Instalment) any { return i.No }),
			"due":         field(nonNull(api.DateTime), "", func(i transfer.Instalment) any { return i.Due }),
			"amount":      field(nonNull(api.Money), "", func(i transfer.Instalment) any { return i.Amount }),
			"paid":        field(nonNull(api.Money), "", func(i transfer.Instalment) any { return i.Paid }),
			"outstanding": field(nonNull(api.Money), "", func(i transfer.Instalment) any { return i.Outstanding() }),
			"overdue":     field(nonNull(graphql.Boolean), "Marked overdue: its due date passed unpaid.", func(i transfer.Instalment) any { return i.Overdue }),
		},
	})
	paymentType = graphql.NewObject(graphql.ObjectConfig{
		Name: "RentPayment", Description: "A rent payment, by the transferee or the fund advancing rent.",
		Fields: graphql.Fields{
			"payerId": field(nonNull(graphql.ID), "", func(p assetview.Payment) any { return p.Payer.String() }),
			"amount":  field(nonNull(api.Money), "", func(p assetview.Payment) any { return p.Amount }),
			"at":      field(nonNull(api.DateTime), "", func(p assetview.Payment) any { return p.At }),
		},
	})
	offerType = graphql.NewObject(graphql.ObjectConfig{
		Name: "RenewalOffer", Description: "The transferor's open offer to renew with the existing transferee.",
		Fields: graphql.Fields{
			"end":           field(nonNull(api.DateTime), "", func(o transfer.RenewalOffer) any { return o.End }),
			"rentPerMuYear": field(nonNull(api.Money), "", func(o transfer.RenewalOffer) any { return o.RentPerMuYear }),
			"frequency":     field(nonNull(frequencyEnum), "", func(o transfer.RenewalOffer) any { return string(o.Frequency) }),
			"respondBy":     field(nonNull(api.DateTime), "", func(o transfer.RenewalOffer) any { return o.RespondBy }),
		},
	})
	mortgageType = graphql.NewObject(graphql.ObjectConfig{
		Name: "TransferredRightMortgage", Description: "A mortgage of the transferred management right.",
		Fields: graphql.Fields{
			"registrationId": field(nonNull(graphql.ID), "", func(m transfer.Mortgage) any { return m.RegistrationID.String() }),
			"securedPartyId": field(nonNull(graphql.ID), "", func(m transfer.Mortgage) any { return m.SecuredParty.String() }),
		},
	})
	contractType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "TransferContract",
		Description: "A land transfer contract. Terms are public; the rent schedule, payments and arrears only to its parties, the exchange and the fund.",
		Fields: graphql.Fields{
			"id":            field(nonNull(graphql.ID), "", func(c contractNode) any { return c.ID.String() }),
			"listingId":     field(graphql.ID, "The listing it was awarded on; null when signed directly.", func(c contractNode) any { return optID(c.ListingID) }),
			"status":        field(nonNull(statusEnum), "", func(c contractNode) any { return string(c.Status) }),
			"transferorId":  field(nonNull(graphql.ID), "", func(c contractNode) any { return c.Transferor.String() }),
			"transfereeId":  field(nonNull(graphql.ID), "", func(c contractNode) any { return c.Transferee.String() }),
			"collectiveId":  field(nonNull(graphql.ID), "The collective owning the plots.", func(c contractNode) any { return c.Collective.String() }),
			"plots":         field(listOf(contractPlotType), "", func(c contractNode) any { return c.Plots }),
			"area":          field(nonNull(api.Area), "", func(c contractNode) any { return c.Area }),
			"form":          field(nonNull(formEnum), "", func(c contractNode) any { return string(c.Form) }),
			"use":           field(nonNull(useEnum), "", func(c contractNode) any { return string(c.Use) }),
			"start":         field(nonNull(api.DateTime), "", func(c contractNode) any { return c.Start }),
			"end":           field(nonNull(api.DateTime), "The term's end (moves on renewal).", func(c contractNode) any { return c.End }),
			"rentPerMuYear": field(nonNull(api.Money), "", func(c contractNode) any { return c.RentPerMuYear }),
			"frequency":     field(nonNull(frequencyEnum), "", func(c contractNode) any { return string(c.Frequency) }),
			"document": field(contractDocumentType, "The signed contract; null while drafted.", func(c contractNode) any {
				if c.Document.Reference == "" {
					return nil
				}
				return c.Document
			}),
			"filed":          field(nonNull(graphql.Boolean), "Filed (备案) with the owning collective.", func(c contractNode) any { return c.FilingNo != "" }),
			"filingNo":       field(graphql.String, "", func(c contractNode) any { return nonEmpty(c.FilingNo) }),
			"filedAt":        field(api.DateTime, "", func(c contractNode) any { return c.FiledAt }),
			"registered":     field(nonNull(graphql.Boolean), "Registered (terms of 5+ years, rule 6).", func(c contractNode) any { return c.RegistrationNo != "" }),
			"registrationNo": field(graphql.String, "", func(c contractNode) any { return nonEmpty(c.RegistrationNo) }),
			"registeredAt":   field(api.DateTime, "", func(c contractNode) any { return c.RegisteredAt }),
			"terminationReason": field(reasonEnum, "", func(c contractNode) any {
				if c.TerminationReason == "" {
					return nil
				}
				return string(c.TerminationReason)
			}),
			"terminatedBy":    field(graphql.ID, "", func(c contractNode) any { return optID(c.TerminatedBy) }),
			"endedAt":         field(api.DateTime, "When it was terminated or expired.", func(c contractNode) any { return c.EndedAt }),
			"renewalOffer":    field(offerType, "", func(c contractNode) any { return derefOffer(c.Offer) }),
			"renewalDeclined": field(nonNull(graphql.Boolean), "", func(c contractNode) any { return c.RenewalDeclined }),
			"mortgages":       field(listOf(mortgageType), "", func(c contractNode) any { return c.Mortgages }),
			"instalments": private(graphql.NewList(graphql.NewNonNull(instalmentType)), "The rent schedule.", seesRent,
				func(c contractNode) any { return c.Instalments }),
			"payments": private(graphql.NewList(graphql.NewNonNull(paymentType)), "", seesRent,
				func(c contractNode) any { return c.Payments }),
			"paid":        private(api.Money, "Rent paid so far.", seesRent, func(c contractNode) any { return c.Paid() }),
			"outstanding": private(api.Money, "Rent still owed over the whole schedule.", seesRent, func(c contractNode) any { return c.Outstanding() }),
			"arrears":     private(api.Money, "Rent due by now and unpaid.", seesRent, func(c contractNode) any { return c.Arrears(c.now) }),
			"cancelledRent": private(api.Money, "Rent no longer owed after an early termination.", seesRent,
				func(c contractNode) any { return c.Cancelled }),
			"createdAt": field(nonNull(api.DateTime), "", func(c contractNode) any { return c.CreatedAt }),
			"signedAt":  field(api.DateTime, "", func(c contractNode) any { return c.SignedAt }),
			"updatedAt": field(nonNull(api.DateTime), "", func(c contractNode) any { return c.UpdatedAt }),
		},
	})
)

func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func derefOffer(o *transfer.RenewalOffer) any {
	if o == nil {
		return nil
	}
	return *o
}
