package fund

import (
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Settings are the fund's local-practice numbers (rule 24).
type Settings struct {
	CompensationShareBP int          // share of a bank's net principal loss the fund pays, in basis points
	InitialCapital      kernel.Money // the pool the fund starts with
}

// DefaultSettings returns Weifang's 2015 figures: 20 % of the net principal
// loss, from a 10 million yuan pool.
func DefaultSettings() Settings {
	return Settings{CompensationShareBP: 2000, InitialCapital: kernel.Yuan(10_000_000)}
}

// Payout returns the fund's share of a net principal loss: floor(netLoss ×
// shareBP / 10000), rounded down to the fen so the fund never pays more than
// its share. A non-positive loss pays nothing.
func Payout(netLoss kernel.Money, shareBP int) kernel.Money {
	if netLoss <= 0 || shareBP <= 0 {
		return 0
	}
	q, _ := kernel.MulDivFloor(int64(netLoss), int64(shareBP), 10000)
	return kernel.Money(q)
}

// DisposalStage is a step of disposing of defaulted collateral, in order:
// listing on the exchange, then negotiated transfer, then trusteeship.
type DisposalStage string

// Disposal stages, in the order they are tried.
const (
	StageListing     DisposalStage = "LISTING"
	StageNegotiated  DisposalStage = "NEGOTIATED_TRANSFER"
	StageTrusteeship DisposalStage = "TRUSTEESHIP"
)

// DisposalOrder lists the stages in the order they must be tried.
func DisposalOrder() []DisposalStage {
	return []DisposalStage{StageListing, StageNegotiated, StageTrusteeship}
}

// ClaimStatus is where a claim is.
type ClaimStatus string

// Claim statuses: Filed → Approved → Paid, or Filed → Rejected.
const (
	ClaimFiled    ClaimStatus = "FILED"
	ClaimApproved ClaimStatus = "APPROVED"
	ClaimRejected ClaimStatus = "REJECTED"
	ClaimPaid     ClaimStatus = "PAID"
)

// Claim is a bank's claim on the fund.
type Claim struct {
	ID                   uuid.UUID
	Bank                 uuid.UUID
	LoanID               uuid.UUID
	AssetID              uuid.UUID
	PrincipalOutstanding kernel.Money
	PrincipalRecovered   kernel.Money
	NetLoss              kernel.Money
	Payable              kernel.Money
	Status               ClaimStatus
	FiledAt              time.Time
}

// Advance is rent the fund advanced to a farmer; the transferee owes it back.
type Advance struct {
	ID          uuid.UUID
	Farmer      uuid.UUID
	Transferee  uuid.UUID
	ContractID  uuid.UUID
	Amount      kernel.Money
	Outstanding kernel.Money
}

// Holding is collateral the fund bought as buyer of last resort.
type Holding struct {
	PurchaseID uuid.UUID
	AssetID    uuid.UUID
	LoanID     uuid.UUID
	Stage      DisposalStage
	Price      kernel.Money
	BoughtAt   time.Time
	Sold       bool
}

// State is the fund folded from its events. The zero value is a fund not yet
// established. Its maps and slices are shared between states: treat them as read-only.
type State struct {
	ID       uuid.UUID
	Operator uuid.UUID
	Name     string
	Settings Settings
	Capital  kernel.Money // available now
	Claims   map[uuid.UUID]Claim
	Advances map[uuid.UUID]Advance
	Holdings []Holding // in purchase order
}

// Established reports whether the fund exists.
func (s State) Established() bool { return s.ID != uuid.Nil }

// OpenClaim returns the loan's claim that is not rejected, if any.
func (s State) OpenClaim(loanID uuid.UUID) (Claim, bool) {
	for _, c := range s.Claims {
		if c.LoanID == loanID && c.Status != ClaimRejected {
			return c, true
		}
	}
	return Claim{}, false
}

// holding returns the index of the holding bought by purchaseID, or -1.
func (s State) holding(purchaseID uuid.UUID) int {
	for k, h := range s.Holdings {
		if h.PurchaseID == purchaseID {
			return k
		}
	}
	return -1
}
