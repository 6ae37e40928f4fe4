package transfer

import (
	"testing"

	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

func TestEveryFreeTextFieldHasALimit(t *testing.T) {
	terms := Terms{Plots: []Plot{{}}, Resolution: &Resolution{}, Consents: []Consent{{}}}
	decidertest.TextLimits(t, Decider, []Command{
		DraftFromAward{Terms: terms}, SignContract{}, SignDirect{Terms: terms}, FileContract{}, RegisterContract{},
		PayRent{}, MarkRentOverdue{}, Terminate{}, OfferRenewal{}, AcceptRenewal{}, DeclineRenewal{}, Expire{},
		MortgageRight{},
	}, "Terms.Plots", "Terms.Consents")
}
