package assets

import (
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/assetview"
	"github.com/nongjiao/nongjiao/internal/registry"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

var (
	formEnum = api.Enum("TransferForm", "How a management right is transferred: 出租 LEASE, 转包 SUBCONTRACT, 入股 SHARES, OTHER.",
		transfer.FormLease, transfer.FormSubContract, transfer.FormShares, transfer.FormOther)
	useEnum = api.Enum("LandUse", "The transferee's intended use; only the first five are agricultural (rule 2).",
		transfer.UseCropping, transfer.UseForestry, transfer.UseAnimalHusbandry, transfer.UseFishery, transfer.UseFarmFacility,
		transfer.UseConstruction, transfer.UseIndustrial, transfer.UseCommercial, transfer.UseResidential)
	frequencyEnum = api.Enum("RentFrequency", "How often rent is paid, in advance.",
		transfer.Annual, transfer.SemiAnnual, transfer.Quarterly, transfer.OneOff)
	statusEnum = api.Enum("TransferContractStatus", "Where a transfer contract is in its life.",
		transfer.StatusDrafted, transfer.StatusInForce, transfer.StatusTerminated, transfer.StatusExpired)
	reasonEnum = api.Enum("TerminationReason", "Why a contract was terminated early.",
		transfer.ReasonChangedUse, transfer.ReasonLandIdle, transfer.ReasonSeriousDamage, transfer.ReasonRentUnpaid, transfer.ReasonMutualAgreement)
	restrictionKindEnum = api.Enum("RestrictionKind", "What kind of registered burden restricts an asset.",
		registry.RestrictionMortgage, registry.RestrictionPledge, registry.RestrictionLease, registry.RestrictionSeizure)
	purposeEnum = api.Enum("ConsentPurpose", "What a contracting household's written consent allows the transferee (rule 7).",
		registry.ConsentReTransfer, registry.ConsentMortgage)
	endReasonEnum = api.Enum("HoldingEndReason", "Why a transferred holding of the management right ended.",
		registry.EndExpired, registry.EndTerminated)
	bodyEnum = api.Enum("ResolutionBody", "Who passed a members' resolution (rule 4).",
		transfer.VillagersAssembly, transfer.VillagerRepresentatives)
)

var (
	locationType = graphql.NewObject(graphql.ObjectConfig{
		Name: "Location", Description: "The asset's basic administrative unit, province down to village.",
		Fields: graphql.Fields{
			"province": api.Field(api.NonNull(graphql.String), "", func(l registry.Location) any { return l.Province }),
			"county":   api.Field(api.NonNull(graphql.String), "", func(l registry.Location) any { return l.County }),
			"township": api.Field(api.NonNull(graphql.String), "", func(l registry.Location) any { return l.Township }),
			"village":  api.Field(api.NonNull(graphql.String), "", func(l registry.Location) any { return l.Village }),
		},
	})
	documentType = graphql.NewObject(graphql.ObjectConfig{
		Name: "Document", Description: "A source document: the paper's reference and the date it was signed or issued.",
		Fields: graphql.Fields{
			"reference": api.Field(api.NonNull(graphql.String), "", func(d registry.Source) any { return d.Reference }),
			"date":      api.Field(api.DateTime, "", func(d registry.Source) any { return d.Date }),
		},
	})
	holdingType = graphql.NewObject(graphql.ObjectConfig{
		Name: "Holding", Description: "One holding of the management right: the registered one (no contract) or one under a transfer contract.",
		Fields: graphql.Fields{
			"holderId":   api.Field(api.NonNull(graphql.ID), "", func(h assetview.Holding) any { return h.Holder.String() }),
			"contractId": api.Field(graphql.ID, "The transfer contract; null for the registered holding.", func(h assetview.Holding) any { return api.Nullable(h.ContractID) }),
			"form":       api.Field(formEnum, "", func(h assetview.Holding) any { return api.Nullable(transfer.Form(h.Form)) }),
			"start":      api.Field(api.NonNull(api.DateTime), "", func(h assetview.Holding) any { return h.Start }),
			"end":        api.Field(api.NonNull(api.DateTime), "", func(h assetview.Holding) any { return h.End }),
			"source":     api.Field(api.NonNull(documentType), "", func(h assetview.Holding) any { return h.Source }),
			"endedAt":    api.Field(api.DateTime, "When the holding ended early or expired; null while it lasts.", func(h assetview.Holding) any { return h.EndedAt }),
			"endReason":  api.Field(endReasonEnum, "", func(h assetview.Holding) any { return api.Nullable(h.EndReason) }),
		},
	})
	entrustmentType = graphql.NewObject(graphql.ObjectConfig{
		Name: "Entrustment", Description: "A household's written entrustment of its plot to its collective or farmland company (rule 5).",
		Fields: graphql.Fields{
			"householdId":  api.Field(api.NonNull(graphql.ID), "", func(e assetview.Entrustment) any { return e.Household.String() }),
			"entrusteeId":  api.Field(api.NonNull(graphql.ID), "", func(e assetview.Entrustment) any { return e.Entrustee.String() }),
			"collectiveId": api.Field(api.NonNull(graphql.ID), "", func(e assetview.Entrustment) any { return e.Collective.String() }),
			"scope": api.Field(api.ListOf(formEnum), "The forms the entrustee may transfer in.", func(e assetview.Entrustment) any {
				out := make([]transfer.Form, len(e.Scope))
				for i, f := range e.Scope {
					out[i] = transfer.Form(f)
				}
				return out
			}),
			"start":       api.Field(api.NonNull(api.DateTime), "", func(e assetview.Entrustment) any { return e.Start }),
			"end":         api.Field(api.NonNull(api.DateTime), "", func(e assetview.Entrustment) any { return e.End }),
			"document":    api.Field(api.NonNull(documentType), "", func(e assetview.Entrustment) any { return e.Source }),
			"entrustedAt": api.Field(api.NonNull(api.DateTime), "", func(e assetview.Entrustment) any { return e.EntrustedAt }),
			"revokedAt":   api.Field(api.DateTime, "Null while in force.", func(e assetview.Entrustment) any { return e.RevokedAt }),
		},
	})
	consentType = graphql.NewObject(graphql.ObjectConfig{
		Name: "Consent", Description: "A contracting household's written consent, recorded with the collective (rule 7).",
		Fields: graphql.Fields{
			"id":           api.Field(api.NonNull(graphql.ID), "", func(c assetview.Consent) any { return c.ID.String() }),
			"contractorId": api.Field(api.NonNull(graphql.ID), "", func(c assetview.Consent) any { return c.Contractor.String() }),
			"granteeId":    api.Field(api.NonNull(graphql.ID), "", func(c assetview.Consent) any { return c.Grantee.String() }),
			"purpose":      api.Field(api.NonNull(purposeEnum), "", func(c assetview.Consent) any { return c.Purpose }),
			"document":     api.Field(api.NonNull(documentType), "", func(c assetview.Consent) any { return c.Source }),
			"recordedAt":   api.Field(api.NonNull(api.DateTime), "", func(c assetview.Consent) any { return c.RecordedAt }),
		},
	})
	restrictionType = graphql.NewObject(graphql.ObjectConfig{
		Name: "Restriction", Description: "A registered restriction (mortgage, pledge, lease, seizure): the public notice; the secured amount only to the exchange, the secured party and the grantor.",
		Fields: graphql.Fields{
			"registrationId": api.Field(api.NonNull(graphql.ID), "", func(r assetview.Restriction) any { return r.ID.String() }),
			"kind":           api.Field(api.NonNull(restrictionKindEnum), "", func(r assetview.Restriction) any { return r.Kind }),
			"grantorId":      api.Field(graphql.ID, "", func(r assetview.Restriction) any { return api.Nullable(r.Grantor) }),
			"securedPartyId": api.Field(api.NonNull(graphql.ID), "", func(r assetview.Restriction) any { return r.SecuredParty.String() }),
			"amount": api.Private(api.Money, "The secured amount; null unless the caller is the exchange, the secured party or the grantor.",
				func(v auth.Principal, r assetview.Restriction) bool {
					return v.Role == auth.RoleExchange || (v.Party != uuid.Nil && (v.Party == r.SecuredParty || v.Party == r.Grantor))
				}, func(r assetview.Restriction) any { return r.Amount }),
			"start":    api.Field(api.NonNull(api.DateTime), "", func(r assetview.Restriction) any { return r.Start }),
			"end":      api.Field(api.DateTime, "Null: until removed.", func(r assetview.Restriction) any { return r.End }),
			"since":    api.Field(api.NonNull(api.DateTime), "When it was entered in the registry.", func(r assetview.Restriction) any { return r.Since }),
			"document": api.Field(api.NonNull(documentType), "", func(r assetview.Restriction) any { return r.Source }),
		},
	})
	historyType = graphql.NewObject(graphql.ObjectConfig{
		Name: "AssetEvent", Description: "One event in an asset's history.",
		Fields: graphql.Fields{
			"version":  api.Field(api.NonNull(graphql.Int), "The asset stream's version.", func(h assetview.HistoryEntry) any { return int(h.Version) }),
			"position": api.Field(api.NonNull(api.Position), "", func(h assetview.HistoryEntry) any { return h.Position }),
			"type":     api.Field(api.NonNull(graphql.String), "The event type, e.g. registry.PlotEntrusted.v1.", func(h assetview.HistoryEntry) any { return h.Type }),
			"at":       api.Field(api.NonNull(api.DateTime), "", func(h assetview.HistoryEntry) any { return h.At }),
			"actor":    api.Field(api.NonNull(graphql.String), "Who sent the command, <role>:<party> or system:<component>.", func(h assetview.HistoryEntry) any { return h.Actor }),
			"summary":  api.Field(api.NonNull(graphql.String), "", func(h assetview.HistoryEntry) any { return h.Summary }),
		},
	})
	packagedPlotType = graphql.NewObject(graphql.ObjectConfig{
		Name: "PackagedPlot", Description: "An entrusted plot in a consolidation package.",
		Fields: graphql.Fields{
			"assetId":     api.Field(api.NonNull(graphql.ID), "", func(p assetview.PackagedPlot) any { return p.AssetID.String() }),
			"householdId": api.Field(api.NonNull(graphql.ID), "", func(p assetview.PackagedPlot) any { return p.Household.String() }),
			"area":        api.Field(api.NonNull(api.Area), "", func(p assetview.PackagedPlot) any { return p.Area }),
			"addedAt":     api.Field(api.NonNull(api.DateTime), "", func(p assetview.PackagedPlot) any { return p.AddedAt }),
		},
	})
	packageType = graphql.NewObject(graphql.ObjectConfig{
		Name: "AssetPackage", Description: "A collective's consolidation package of entrusted plots, listed as one (rule 5).",
		Fields: graphql.Fields{
			"id":           api.Field(api.NonNull(graphql.ID), "", func(p assetview.Package) any { return p.ID.String() }),
			"collectiveId": api.Field(api.NonNull(graphql.ID), "", func(p assetview.Package) any { return p.Collective.String() }),
			"title":        api.Field(api.NonNull(graphql.String), "", func(p assetview.Package) any { return p.Title }),
			"form":         api.Field(api.NonNull(formEnum), "The intended transfer form.", func(p assetview.Package) any { return transfer.Form(p.Form) }),
			"start":        api.Field(api.NonNull(api.DateTime), "The intended term's start.", func(p assetview.Package) any { return p.Start }),
			"end":          api.Field(api.NonNull(api.DateTime), "The intended term's end.", func(p assetview.Package) any { return p.End }),
			"area":         api.Field(api.NonNull(api.Area), "Total area of the plots.", func(p assetview.Package) any { return p.Area }),
			"sealed":       api.Field(api.NonNull(graphql.Boolean), "", func(p assetview.Package) any { return p.Sealed }),
			"sealedAt":     api.Field(api.DateTime, "", func(p assetview.Package) any { return p.SealedAt }),
			"plots":        api.Field(api.ListOf(packagedPlotType), "", func(p assetview.Package) any { return p.Plots }),
			"createdAt":    api.Field(api.NonNull(api.DateTime), "", func(p assetview.Package) any { return p.CreatedAt }),
			"updatedAt":    api.Field(api.NonNull(api.DateTime), "", func(p assetview.Package) any { return p.UpdatedAt }),
		},
	})
)

// assetNode is an asset as the API shows it: seen at a time (now, or asOf).
type assetNode struct {
	assetview.Asset
	at   time.Time
	asOf bool
	read assetview.Reader // for the history connection
}

// seesPrivate reports whether v may see an asset's household and consents:
// the exchange, the owning collective and the current holder.
func seesPrivate(v auth.Principal, a assetNode) bool {
	return v.Role == auth.RoleExchange || (v.Party != uuid.Nil && (v.Party == a.Owner || v.Party == a.Holding.Holder))
}

var assetType = graphql.NewObject(graphql.ObjectConfig{
	Name: "Asset", Description: "A registered rural property right (LADM: the unit, its parties, rights, restrictions and sources).",
	Fields: graphql.Fields{
		"id":            api.Field(api.NonNull(graphql.ID), "", func(a assetNode) any { return a.ID.String() }),
		"type":          api.Field(api.NonNull(api.AssetType), "", func(a assetNode) any { return a.Type }),
		"title":         api.Field(api.NonNull(graphql.String), "", func(a assetNode) any { return a.Title }),
		"description":   api.Field(api.NonNull(graphql.String), "", func(a assetNode) any { return a.Description }),
		"collectiveId":  api.Field(api.NonNull(graphql.ID), "The owning collective.", func(a assetNode) any { return a.Owner.String() }),
		"location":      api.Field(api.NonNull(locationType), "", func(a assetNode) any { return a.Location }),
		"area":          api.Field(api.NonNull(api.Area), "", func(a assetNode) any { return a.Area }),
		"certificateNo": api.Field(api.NonNull(graphql.String), "The rights certificate number.", func(a assetNode) any { return a.CertificateNo }),
		"rightsEnd":     api.Field(api.NonNull(api.DateTime), "When the underlying right ends; no transfer may outlast it (rule 1).", func(a assetNode) any { return a.RightsEnd }),
		"contractorId": api.Private(graphql.ID, "The contracting household; only to the exchange, the owning collective and the holder.",
			seesPrivate, func(a assetNode) any { return api.Nullable(a.Contractor) }),
		"holder":  api.Field(api.NonNull(holdingType), "The current management-right holder and its term.", func(a assetNode) any { return a.Holding }),
		"holders": api.Field(api.ListOf(holdingType), "The holder history, oldest first.", func(a assetNode) any { return a.Holdings }),
		"encumbered": api.Field(api.NonNull(graphql.Boolean), "Whether a restriction burdens the asset at the time viewed.",
			func(a assetNode) any { return a.Encumbered(a.at) }),
		"restrictions": api.Field(api.ListOf(restrictionType), "The registered restrictions, in registration order.", func(a assetNode) any { return a.Restrictions }),
		"entrustment": api.Field(entrustmentType, "The entrustment in force, if any.", func(a assetNode) any {
			for _, e := range a.Entrustments {
				if e.RevokedAt.IsZero() {
					return e
				}
			}
			return nil
		}),
		"entrustments": api.Field(api.ListOf(entrustmentType), "Every entrustment, oldest first.", func(a assetNode) any { return a.Entrustments }),
		"consents": api.Private(graphql.NewList(api.NonNull(consentType)), "Recorded consents; only to the exchange, the owning collective and the holder.",
			seesPrivate, func(a assetNode) any { return a.Consents }),
		"registeredAt": api.Field(api.NonNull(api.DateTime), "", func(a assetNode) any { return a.RegisteredAt }),
		"updatedAt":    api.Field(api.NonNull(api.DateTime), "", func(a assetNode) any { return a.UpdatedAt }),
		"version":      api.Field(api.NonNull(graphql.Int), "The asset stream's version this view is from.", func(a assetNode) any { return int(a.Version) }),
		"asOf": api.Field(api.DateTime, "The time this view is of; null for the current state.", func(a assetNode) any {
			if !a.asOf {
				return nil
			}
			return a.at
		}),
		"history": {
			Type:        api.NonNull(api.Connection(historyType)),
			Description: "The asset's events up to this view's version, oldest first.",
			Args:        api.ConnectionArgs(nil),
			Resolve: func(p graphql.ResolveParams) (any, error) {
				a := p.Source.(assetNode)
				return api.Connect(p.Args, 1, func(pg readmodel.Page) (readmodel.Result[assetview.HistoryEntry], error) {
					return a.read.History(p.Context, a.ID, a.Version, pg)
				}, assetview.HistoryEntry.Cursor, func(h assetview.HistoryEntry) any { return h })
			},
		},
	},
})
