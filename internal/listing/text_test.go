package listing

import (
	"testing"

	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

func TestEveryFreeTextFieldHasALimit(t *testing.T) {
	details := Details{Consents: []Consent{{}}, Asset: AssetFacts{Encumbrances: []Encumbrance{{}}}}
	decidertest.TextLimits(t, Decider, []Command{
		CreateListing{Details: details}, ReviseListing{Details: details}, SubmitListing{}, ReviewListing{},
		WithdrawListing{}, SuspendListing{}, ResumeListing{}, RegisterBidder{}, ConfirmDeposit{}, QualifyBidder{},
		CloseRegistration{}, AgreeNegotiatedPrice{}, CloseNegotiation{}, OpenBidding{}, PlaceBid{}, CloseAuction{},
		ExerciseMemberPriority{}, ClosePriorityWindow{}, ConfirmPayment{}, ForfeitDeposit{}, RefundDeposit{},
		SignContract{}, IssueCertificate{}, Archive{}, Relist{}, EndListing{},
	}, "Details.Asset")
}
