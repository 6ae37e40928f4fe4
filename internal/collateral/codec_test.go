package collateral_test

import (
	"slices"
	"testing"

	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

func history() []kernel.Event {
	return []kernel.Event{registered(),
		collateral.CollateralAmended{RegistrationID: reg1, By: bank1, Grantor: transferee, SecuredParty: bank2,
			SecuredAmount: 7, End: end, Consent: consent, Reason: "assigned", At: t1},
		collateral.LoanSecured{RegistrationID: reg1, LoanID: loan1, Amount: 7, At: t1},
		collateral.LoanReleased{RegistrationID: reg1, LoanID: loan1, Reason: "repaid", At: t1},
		collateral.CollateralContinued{RegistrationID: reg1, By: bank2, PreviousEnd: end, End: end.AddDate(1, 0, 0), At: t1},
		collateral.CollateralDischarged{RegistrationID: reg1, By: bank2, Reason: "repaid", At: t1},
		collateral.CollateralExpired{RegistrationID: reg1, End: end, At: end},
	}
}

func TestEventsRoundTrip(t *testing.T) {
	decidertest.RoundTrip(t, registry(), history()...)
}

// FuzzDecode feeds arbitrary bytes to Decode for every registered type: it may
// fail but must never panic.
func FuzzDecode(f *testing.F) {
	reg := registry()
	types := reg.Types()
	slices.Sort(types)
	for _, e := range history() {
		_, data, err := reg.Encode(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(slices.Index(types, e.EventType())), data)
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		_, _ = reg.Decode(types[int(which)%len(types)], data)
	})
}
