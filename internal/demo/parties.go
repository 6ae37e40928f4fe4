package demo

import (
	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/party"
)

// namespace roots every demo id: ids are uuid.NewSHA1(namespace, name), so
// they are the same in every data directory and users can mint tokens for them
// before the server has started.
var namespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://nongjiao.example/demo"))

// id returns the demo id for name.
func id(name string) uuid.UUID { return uuid.NewSHA1(namespace, []byte(name)) }

// The demo's parties. Mint a token for one with
//
//	nongjiao token --data-dir DIR --role ROLE --party ID
var (
	// Exchange is the exchange operator (潍坊农村产权交易中心), role exchange.
	Exchange = id("party/exchange")
	// Wangjiazhuang is 王家庄村股份经济合作社 (寿光市孙家集街道王家庄村), role collective.
	Wangjiazhuang = id("party/wangjiazhuang")
	// Chedaoyu is 车道峪村股份经济合作社 (青州市王坟镇车道峪村), role collective.
	Chedaoyu = id("party/chedaoyu")
	// Fenghe is 潍坊丰禾农业发展有限公司, a bidder: it won the apple orchard and borrows against it.
	Fenghe = id("party/fenghe")
	// Lvyuan is 寿光市绿源果蔬种植专业合作社, a bidder.
	Lvyuan = id("party/lvyuan")
	// Luqing is 山东鲁青林果科技有限公司, a bidder.
	Luqing = id("party/luqing")
	// Bank is 寿光农村商业银行股份有限公司, role bank.
	Bank = id("party/bank")
)

// Party is one of the demo's parties and the role its bearer token takes.
type Party struct {
	Name string
	Role string // as `nongjiao token --role` takes it
	ID   uuid.UUID
}

// Parties lists the demo's parties. The exchange operator appears twice: it
// also runs the operation fund, whose commands take the fund role.
func Parties() []Party {
	return []Party{
		{"潍坊农村产权交易中心（交易所运营方）", "exchange", Exchange},
		{"潍坊市农村产权运作基金（由交易中心运营）", "fund", Exchange},
		{"王家庄村股份经济合作社", "collective", Wangjiazhuang},
		{"车道峪村股份经济合作社", "collective", Chedaoyu},
		{"潍坊丰禾农业发展有限公司", "bidder", Fenghe},
		{"寿光市绿源果蔬种植专业合作社", "bidder", Lvyuan},
		{"山东鲁青林果科技有限公司", "bidder", Luqing},
		{"王立新（王家庄股份经济合作社成员）", "bidder", CoopMember},
		{"寿光农村商业银行股份有限公司", "bank", Bank},
	}
}

// Register lists the register entries of the demo's parties, as the seed
// enters them before anything else. Their identifiers are made up, with
// correct check characters.
func Register() []party.RegisterParty {
	return []party.RegisterParty{
		{Party: Exchange, Kind: party.ExchangeOwner, Name: "潍坊农村产权交易中心", Identifier: "12370700MB28461595"},
		{Party: Wangjiazhuang, Kind: party.Collective, Name: "寿光市孙家集街道王家庄村股份经济合作社", Identifier: "N2370783MF30714255"},
		{Party: Chedaoyu, Kind: party.Collective, Name: "青州市王坟镇车道峪村股份经济合作社", Identifier: "N2370781MF16903375"},
		{Party: Fenghe, Kind: party.FarmBusiness, Name: "潍坊丰禾农业发展有限公司", Identifier: "91370700MA3P5KQ81D"},
		{Party: Lvyuan, Kind: party.FarmBusiness, Name: "寿光市绿源果蔬种植专业合作社", Identifier: "93370783MA7LWD264G"},
		{Party: Luqing, Kind: party.FarmBusiness, Name: "山东鲁青林果科技有限公司", Identifier: "91370000MA94TGX05T"},
		{Party: CoopMember, Kind: party.Individual, Name: "王立新", Identifier: "370783197803121231"},
		{Party: Bank, Kind: party.Bank, Name: "寿光农村商业银行股份有限公司", Identifier: "91370700MA3NX2C360"},
	}
}

// The demo's aggregates a user will want to look at or act on.
var (
	// Fund is the rural property operation fund (潍坊市农村产权运作基金); its
	// operator is Exchange.
	Fund = id("fund/weifang")
	// ListingDraft is 「车道峪村荒山使用权流转」, still a draft.
	ListingDraft = id("listing/draft")
	// ListingSubmitted is 「王家庄村集体冷库租赁经营」, submitted and awaiting the exchange's review.
	ListingSubmitted = id("listing/submitted")
	// ListingAnnounced is 「王家庄蔬菜大棚租赁」, announced: bidders may register.
	ListingAnnounced = id("listing/announced")
	// ListingLive is 「车道峪村集体林地经营权流转」, whose auction is open when the seed ends.
	ListingLive = id("listing/live")
	// ListingAwarded is 「王家庄苹果园土地经营权流转」, sold at auction, contract signed, certified.
	ListingAwarded = id("listing/awarded")
	// OrchardPackage is the consolidation package of the four entrusted apple plots.
	OrchardPackage = id("package/orchard")
	// OrchardContract is the transfer contract of the awarded orchard.
	OrchardContract = id("contract/orchard")
	// Coop is the share cooperative of 王家庄.
	Coop = id("coop/wangjiazhuang")
	// Dividend is the 2026 dividend declared by Coop.
	Dividend = id("dividend/2026")
	// LoanProduct is the bank's 「农村产权抵押贷（品质贷）」 product.
	LoanProduct = id("product/quality-loan")
	// Loan is Fenghe's loan against the largest orchard plot.
	Loan = id("loan/fenghe-orchard")
	// VegetablePlot is 王德明's contracted vegetable plot in 王家庄 (16.40 mu),
	// neither entrusted nor listed: the sandbox walkthrough (docs/sandbox.md)
	// lists it.
	VegetablePlot = id("asset/plot/王德明")
	// CoopMember is 王立新, a member of Coop who farms no plot of his own: as a
	// bidder on 王家庄's listings he has the member's priority (rule 3).
	CoopMember = id("member/王立新")
	// Mortgage is the collateral registration securing Loan. As the process
	// managers expect, the notice securing a loan has the loan's id.
	Mortgage = Loan
)
