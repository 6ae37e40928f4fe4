package fund

import (
	"maps"
	"slices"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Evolve folds one event into the fund's state. It never fails and ignores
// events it does not know. It copies a map or slice before changing it, so
// earlier states stay valid.
func Evolve(s State, e kernel.Event) State {
	switch e := e.(type) {
	case FundEstablished:
		return State{
			ID: e.FundID, Operator: e.Operator, Name: e.Name, Settings: e.Settings, Capital: e.Settings.InitialCapital,
			Claims: map[uuid.UUID]Claim{}, Advances: map[uuid.UUID]Advance{},
		}
	case FundCapitalToppedUp:
		s.Capital = e.CapitalAfter
	case FundClaimFiled:
		s.Claims = with(s.Claims, e.ClaimID, Claim{
			ID: e.ClaimID, Bank: e.Bank, LoanID: e.LoanID, AssetID: e.AssetID, PrincipalOutstanding: e.PrincipalOutstanding,
			PrincipalRecovered: e.PrincipalRecovered, NetLoss: e.NetLoss, Payable: e.Payable, Status: ClaimFiled, FiledAt: e.At,
		})
	case FundClaimApproved:
		s.Claims = setClaimStatus(s.Claims, e.ClaimID, ClaimApproved)
	case FundClaimRejected:
		s.Claims = setClaimStatus(s.Claims, e.ClaimID, ClaimRejected)
	case FundClaimPaid:
		s.Claims = setClaimStatus(s.Claims, e.ClaimID, ClaimPaid)
		s.Capital = e.CapitalAfter
	case RentAdvanced:
		s.Advances = with(s.Advances, e.AdvanceID, Advance{ID: e.AdvanceID, Farmer: e.Farmer, Transferee: e.Transferee, ContractID: e.ContractID, Amount: e.Amount, Outstanding: e.Amount})
		s.Capital = e.CapitalAfter
	case RentAdvanceRepaid:
		if a, ok := s.Advances[e.AdvanceID]; ok {
			a.Outstanding = e.Outstanding
			s.Advances = with(s.Advances, e.AdvanceID, a)
		}
		s.Capital = e.CapitalAfter
	case CollateralBought:
		s.Holdings = append(slices.Clip(s.Holdings), Holding{
			PurchaseID: e.PurchaseID, AssetID: e.AssetID, LoanID: e.LoanID, Stage: e.Stage, Price: e.Price, BoughtAt: e.At,
		})
		s.Capital = e.CapitalAfter
	case HoldingSold:
		if k := s.holding(e.PurchaseID); k >= 0 {
			s.Holdings = slices.Clone(s.Holdings)
			s.Holdings[k].Sold = true
		}
		s.Capital = e.CapitalAfter
	}
	return s
}

func setClaimStatus(claims map[uuid.UUID]Claim, id uuid.UUID, st ClaimStatus) map[uuid.UUID]Claim {
	c, ok := claims[id]
	if !ok {
		return claims
	}
	c.Status = st
	return with(claims, id, c)
}

// with returns a copy of m with k set to v; m itself is never written.
func with[V any](m map[uuid.UUID]V, k uuid.UUID, v V) map[uuid.UUID]V {
	out := make(map[uuid.UUID]V, len(m)+1)
	maps.Copy(out, m)
	out[k] = v
	return out
}
