package party

// Kind is what a party is; it decides its identifier and the roles it may
// act in (auth.RolesFor).
type Kind string

// The kinds of party.
const (
	Individual    Kind = "INDIVIDUAL"    // a natural person
	Household     Kind = "HOUSEHOLD"     // a contracting household (承包农户), named by its head
	FarmBusiness  Kind = "FARM_BUSINESS" // a farm business or farmers' cooperative (家庭农场, 农民专业合作社, 农业企业)
	Collective    Kind = "COLLECTIVE"    // a collective economic organisation (村集体经济组织, 股份经济合作社)
	Bank          Kind = "BANK"          // a lending financial institution
	Fund          Kind = "FUND"          // a rural property operation fund
	ExchangeOwner Kind = "EXCHANGE"      // the exchange operator (交易中心)
)

// Kinds lists every kind in a stable order.
func Kinds() []Kind {
	return []Kind{Individual, Household, FarmBusiness, Collective, Bank, Fund, ExchangeOwner}
}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, v := range Kinds() {
		if v == k {
			return true
		}
	}
	return false
}

// Person reports whether a party of kind k is a person, identified by a
// resident identity number; every other kind is an organisation, identified
// by a unified social credit code.
func (k Kind) Person() bool { return k == Individual || k == Household }

// CheckIdentifier refuses an identifier of the wrong form for k.
func (k Kind) CheckIdentifier(identifier string) error {
	if k.Person() {
		return CheckResidentID(identifier)
	}
	return CheckCreditCode(identifier)
}
