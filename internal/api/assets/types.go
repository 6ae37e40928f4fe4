package assets

import (
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/assetview"
	"github.com/nongjiao/nongjiao/internal/registry"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

var (
	assetTypeEnum = api.StringEnum("AssetType", "The kind of rural property right; COLLECTIVE_LAND_OWNERSHIP and HOUSEHOLD_CONTRACTING_RIGHT are never tradable.",
		kernel.AssetTypes()...)
	formEnum = api.StringEnum("TransferForm", "How a management right is transferred: 出租 LEASE, 转包 SUBCONTRACT, 入股 SHARES, OTHER.",
		transfer.FormLease, transfer.FormSubContract, transfer.FormShares, transfer.FormOther)
	useEnum = api.StringEnum("LandUse", "The transferee's intended use; only the first five are agricultural (rule 2).",
		transfer.UseCropping, transfer.UseForestry, transfer.UseAnimalHusbandry, transfer.UseFishery, transfer.UseFarmFacility,
		transfer.UseConstruction, transfer.UseIndustrial, transfer.UseCommercial, transfer.UseResidential)
	frequencyEnum = api.StringEnum("RentFrequency", "How often rent is paid, in advance.",
		transfer.Annual, transfer.SemiAnnual, transfer.Quarterly, transfer.OneOff)
	statusEnum = api.StringEnum("TransferContractStatus", "Where a transfer contract is in its life.",
		transfer.StatusDrafted, transfer.StatusInForce, transfer.StatusTerminated, transfer.StatusExpired)
	reasonEnum = api.StringEnum("TerminationReason", "Why a contract was terminated early.",
		transfer.ReasonChangedUse, transfer.ReasonLandIdle, transfer.ReasonSeriousDamage, transfer.ReasonRentUnpaid, transfer.ReasonMutualAgreement)
	restrictionKindEnum = api.StringEnum("RestrictionKind", "What kind of registered burden restricts an asset.",
		registry.RestrictionMortgage, registry.RestrictionPledge, registry.RestrictionLease, registry.RestrictionSeizure)
	purposeEnum = api.StringEnum("ConsentPurpose", "What a contracting household's written consent allows the transferee (rule 7).",
		registry.ConsentReTransfer, registry.ConsentMortgage)
	endReasonEnum = api.StringEnum("HoldingEndReason", "Why a transferred holding of the management right ended.",
		registry.EndExpired, registry.EndTerminated)
	bodyEnum = api.StringEnum("ResolutionBody", "Who passed a members' resolution (rule 4).",
		transfer.VillagersAssembly, transfer.VillagerRepresentatives)
)

// field resolves a field of a T source with get.
func field[T any](typ graphql.Output, description string, get func(T) any) *graphql.Field {
	return &graphql.Field{Type: typ, Description: description, Resolve: func(p graphql.ResolveParams) (any, error) {
		return get(p.Source.(T)), nil
	}}
}

// private is field for a value only callers that may see(viewer, source) get; others get null.
func private[T any](typ graphql.Output, description string, may func(auth.Principal, T) bool, get func(T) any) *graphql.Field {
	return &graphql.Field{Type: typ, Description: description, Resolve: func(p graphql.ResolveParams) (any, error) {
		src := p.Source.(T)
		if !may(api.Viewer(p.Context), src) {
			return nil, nil
		}
		return get(src), nil
	}}
}

// optID is an id for the API: null for uuid.Nil.
func optID(id uuid.UUID) any {
	if id == uuid.Nil {
		return nil
	}
	return id.String()
}

func nonNull(t graphql.Output) graphql.Output { return graphql.NewNonNull(t) }

func listOf(t graphql.Output) graphql.Output {
	return graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(t)))
}

var (
	locationType = graphql.NewObject(graphql.ObjectConfig{
		Name: "Location", Description: "The asset's basic administrative unit, province down to village.",
		Fields: graphql.Fields{
			"province": field(nonNull(graphql.String), "", func(l registry.Location) any { return l.Province }),
			"county":   field(nonNull(graphql.String), "", func(l registry.Location) any { return l.County }),
			"township": field(nonNull(graphql.String), "", func(l registry.Location) any { return l.Township }),
			"village":  field(nonNull(graphql.String), "", func(l registry.Location) any { return l.Village }),
		},
	})
	documentType = graphql.NewObject(graphql.ObjectConfig{
		Name: "Document", Description: "A source document: the paper's reference and the date it was signed or issued.",
		Fields: graphql.Fields{
			"reference": field(nonNull(graphql.String), "", func(d registry.Source) any { return d.Reference }),
			"date":      field(api.DateTime, "", func(d registry.Source) any { return d.Date }),
		},
	})
	holdingType = graphql.NewObject(graphql.ObjectConfig{
		Name: "Holding", Description: "One holding of the management right: the registered one (no contract) or one under a transfer contract.",
		Fields: graphql.Fields{
			"holderId":   field(nonNull(graphql.ID), "", func(h assetview.Holding) any { return h.Holder.String() }),
			"contractId": field(graphql.ID, "The transfer contract; null for the registered holding.", func(h assetview.Holding) any { return optID(h.ContractID) }),
			"form": field(formEnum, "", func(h assetview.Holding) any {
				if h.Form == "" {
					return nil
				}
				return string(h.Form)
			}),
			"start":   field(nonNull(api.DateTime), "", func(h assetview.Holding) any { return h.Start }),
			"end":     field(nonNull(api.DateTime), "", func(h assetview.Holding) any { return h.End }),
			"source":  field(nonNull(documentType), "", func(h assetview.Holding) any { return h.Source }),
			"endedAt": field(api.DateTime, "When the holding ended early or expired; null while it lasts.", func(h assetview.Holding) any { return h.EndedAt }),
			"endReason": field(endReasonEnum, "", func(h assetview.Holding) any {
				if h.EndReason == "" {
					return nil
				}
				return string(h.EndReason)
			}),
		},
	})
	entrustmentType = graphql.NewObject(graphql.ObjectConfig{
		Name: "Entrustment", Description: "A household's written entrustment of its plot to its collective or farmland company (rule 5).",
		Fields: graphql.Fields{
			"householdId":  field(nonNull(graphql.ID), "", func(e assetview.Entrustment) any { return e.Household.String() }),
			"entrusteeId":  field(nonNull(graphql.ID), "", func(e assetview.Entrustment) any { return e.Entrustee.String() }),
			"collectiveId": field(nonNull(graphql.ID), "", func(e assetview.Entrustment) any { return e.Collective.String() }),
			"scope": field(listOf(formEnum), "The forms the entrustee may transfer in.", func(e assetview.Entrustment) any {
				out := make([]string, len(e.Scope))
				for i, f := range e.Scope {
					out[i] = string(f)
				}
				return out
			}),
			"start":       field(nonNull(api.DateTime), "", func(e assetview.Entrustment) any { return e.Start }),
			"end":         field(nonNull(api.DateTime), "", func(e assetview.Entrustment) any { return e.End }),
			"document":    field(nonNull(documentType), "", func(e assetview.Entrustment) any { return e.Source }),
			"entrustedAt": field(nonNull(api.DateTime), "", func(e assetview.Entrustment) any { return e.EntrustedAt }),
			"revokedAt":   field(api.DateTime, "Null while in force.", func(e assetview.Entrustment) any { return e.RevokedAt }),
		},
	})
	consentType = graphql.NewObject(graphql.ObjectConfig{
		Name: "Consent", Description: "A contracting household's written consent, recorded with the collective (rule 7).",
		Fields: graphql.Fields{
			"id":           field(nonNull(graphql.ID), "", func(c assetview.Consent) any { return c.ID.String() }),
			"contractorId": field(nonNull(graphql.ID), "", func(c assetview.Consent) any { return c.Contractor.String() }),
			"granteeId":    field(nonNull(graphql.ID), "", func(c assetview.Consent) any { return c.Grantee.String() }),
			"purpose":      field(nonNull(purposeEnum), "", func(c assetview.Consent) any { return string(c.Purpose) }),
			"document":     field(nonNull(documentType), "", func(c assetview.Consent) any { return c.Source }),
			"recordedAt":   field(nonNull(api.DateTime), "", func(c assetview.Consent) any { return c.RecordedAt }),
		},
	})
	restrictionType = graphql.NewObject(graphql.ObjectConfig{
		Name: "Restriction", Description: "A registered restriction (mortgage, pledge, lease, seizure): the public notice; the secured amount only to the exchange, the secured party and the grantor.",
		Fields: graphql.Fields{
			"registrationId": field(nonNull(graphql.ID), "", func(r assetview.Restriction) any { return r.ID.String() }),
			"kind":           field(nonNull(restrictionKindEnum), "", func(r assetview.Restriction) any { return string(r.Kind) }),
			"grantorId":      field(graphql.ID, "", func(r assetview.Restriction) any { return optID(r.Grantor) }),
			"securedPartyId": field(nonNull(graphql.ID), "", func(r assetview.Restriction) any { return r.SecuredParty.String() }),
			"amount": private(api.Money, "The secured amount; null unless the caller is the exchange, the secured party or the grantor.",
				func(v auth.Principal, r assetview.Restriction) bool {
					return v.Role == auth.RoleExchange || (v.Party != uuid.Nil && (v.Party == r.SecuredParty || v.Party == r.Grantor))
				}, func(r assetview.Restriction) any { return r.Amount }),
			"start":    field(nonNull(api.DateTime), "", func(r assetview.Restriction) any { return r.Start }),
			"end":      field(api.DateTime, "Null: until removed.", func(r assetview.Restriction) any { return r.End }),
			"since":    field(nonNull(api.DateTime), "When it was entered in the registry.", func(r assetview.Restriction) any { return r.Since }),
			"document": field(nonNull(documentType), "", func(r assetview.Restriction) any { return r.Source }),
		},
	})
	historyType = graphql.NewObject(graphql.ObjectConfig{
		Name: "AssetEvent", Description: "One event in an asset's history.",
		Fields: graphql.Fields{
			"version":  field(nonNull(graphql.Int), "The asset stream's version.", func(h assetview.HistoryEntry) any { return int(h.Version) }),
			"position": field(nonNull(api.Position), "", func(h assetview.HistoryEntry) any { return h.Position }),
			"type":     field(nonNull(graphql.String), "The event type, e.g. registry.PlotEntrusted.v1.", func(h assetview.HistoryEntry) any { return h.Type }),
			"at":       field(nonNull(api.DateTime), "", func(h assetview.HistoryEntry) any { return h.At }),
			"actor":    field(nonNull(graphql.String), "Who sent the command, <role>:<party> or system:<component>.", func(h assetview.HistoryEntry) any { return h.Actor }),
			"summary":  field(nonNull(graphql.String), "", func(h assetview.HistoryEntry) any { return h.Summary }),
		},
	})
	packagedPlotType = graphql.NewObject(graphql.ObjectConfig{
		Name: "PackagedPlot", Description: "An entrusted plot in a consolidation package.",
		Fields: graphql.Fields{
			"assetId":     field(nonNull(graphql.ID), "", func(p assetview.PackagedPlot) any { return p.AssetID.String() }),
			"householdId": field(nonNull(graphql.ID), "", func(p assetview.PackagedPlot) any { return p.Household.String() }),
			"area":        field(nonNull(api.Area), "", func(p assetview.PackagedPlot) any { return p.Area }),
			"addedAt":     field(nonNull(api.DateTime), "", func(p assetview.PackagedPlot) any { return p.AddedAt }),
		},
	})
	packageType = graphql.NewObject(graphql.ObjectConfig{
		Name: "AssetPackage", Description: "A collective's consolidation package of entrusted plots, listed as one (rule 5).",
		Fields: graphql.Fields{
			"id":           field(nonNull(graphql.ID), "", func(p assetview.Package) any { return p.ID.String() }),
			"collectiveId": field(nonNull(graphql.ID), "", func(p assetview.Package) any { return p.Collective.String() }),
			"title":        field(nonNull(graphql.String), "", func(p assetview.Package) any { return p.Title }),
			"form":         field(nonNull(formEnum), "The intended transfer form.", func(p assetview.Package) any { return string(p.Form) }),
			"start":        field(nonNull(api.DateTime), "The intended term's start.", func(p assetview.Package) any { return p.Start }),
			"end":          field(nonNull(api.DateTime), "The intended term's end.", func(p assetview.Package) any { return p.End }),
			"area":         field(nonNull(api.Area), "Total area of the plots.", func(p assetview.Package) any { return p.Area }),
			"sealed":       field(nonNull(graphql.Boolean), "", func(p assetview.Package) any { return p.Sealed }),
			"sealedAt":     field(api.DateTime, "", func(p assetview.Package) any { return p.SealedAt }),
			"plots":        field(listOf(packagedPlotType), "", func(p assetview.Package) any { return p.Plots }),
			"createdAt":    field(nonNull(api.DateTime), "", func(p assetview.Package) any { return p.CreatedAt }),
			"updatedAt":    field(nonNull(api.DateTime), "", func(p assetview.Package) any { return p.UpdatedAt }),
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
		"id":            field(nonNull(graphql.ID), "", func(a assetNode) any { return a.ID.String() }),
		"type":          field(nonNull(assetTypeEnum), "", func(a assetNode) any { return string(a.Type) }),
		"title":         field(nonNull(graphql.String), "", func(a assetNode) any { return a.Title }),
		"description":   field(nonNull(graphql.String), "", func(a assetNode) any { return a.Description }),
		"collectiveId":  field(nonNull(graphql.ID), "The owning collective.", func(a assetNode) any { return a.Owner.String() }),
		"location":      field(nonNull(locationType), "", func(a assetNode) any { return a.Location }),
		"area":          field(nonNull(api.Area), "", func(a assetNode) any { return a.Area }),
		"certificateNo": field(nonNull(graphql.String), "The rights certificate number.", func(a assetNode) any { return a.CertificateNo }),
		"rightsEnd":     field(nonNull(api.DateTime), "When the underlying right ends; no transfer may outlast it (rule 1).", func(a assetNode) any { return a.RightsEnd }),
		"contractorId": private(graphql.ID, "The contracting household; only to the exchange, the owning collective and the holder.",
			seesPrivate, func(a assetNode) any { return optID(a.Contractor) }),
		"holder":  field(nonNull(holdingType), "The current management-right holder and its term.", func(a assetNode) any { return a.Holding }),
		"holders": field(listOf(holdingType), "The holder history, oldest first.", func(a assetNode) any { return a.Holdings }),
		"encumbered": field(nonNull(graphql.Boolean), "Whether a restriction burdens the asset at the time viewed.",
			func(a assetNode) any { return a.Encumbered(a.at) }),
		"restrictions": field(listOf(restrictionType), "The registered restrictions, in registration order.", func(a assetNode) any { return a.Restrictions }),
		"entrustment": field(entrustmentType, "The entrustment in force, if any.", func(a assetNode) any {
			for _, e := range a.Entrustments {
				if e.RevokedAt.IsZero() {
					return e
				}
			}
			return nil
		}),
		"entrustments": field(listOf(entrustmentType), "Every entrustment, oldest first.", func(a assetNode) any { return a.Entrustments }),
		"consents": private(graphql.NewList(graphql.NewNonNull(consentType)), "Recorded consents; only to the exchange, the owning collective and the holder.",
			seesPrivate, func(a assetNode) any { return a.Consents }),
		"registeredAt": field(nonNull(api.DateTime), "", func(a assetNode) any { return a.RegisteredAt }),
		"updatedAt":    field(nonNull(api.DateTime), "", func(a assetNode) any { return a.UpdatedAt }),
		"version":      field(nonNull(graphql.Int), "The asset stream's version this view is from.", func(a assetNode) any { return int(a.Version) }),
		"asOf": field(api.DateTime, "The time this view is of; null for the current state.", func(a assetNode) any {
			if !a.asOf {
				return nil
			}
			return a.at
		}),
		"history": {
			Type:        nonNull(api.Connection(historyType)),
			Description: "The asset's events up to this view's version, oldest first.",
			Args:        api.ConnectionArgs(nil),
			Resolve: func(p graphql.ResolveParams) (any, error) {
				a := p.Source.(assetNode)
				return connection(p.Args, 1, func(pg readmodel.Page) (readmodel.Result[assetview.HistoryEntry], error) {
					return a.read.History(p.Context, a.ID, a.Version, pg)
				}, assetview.HistoryEntry.Cursor, func(h assetview.HistoryEntry) any { return h })
			},
		},
	},
})
