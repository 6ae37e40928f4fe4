package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/calendar"
	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/party"
	"github.com/nongjiao/nongjiao/internal/registry"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

// Where the two villages are.
var (
	wangjiazhuangVillage = registry.Location{Province: "山东省", County: "寿光市", Township: "孙家集街道", Village: "王家庄村"}
	chedaoyuVillage      = registry.Location{Province: "山东省", County: "青州市", Township: "王坟镇", Village: "车道峪村"}
)

// household is a contracting household of 王家庄 and the member of the
// cooperative who heads it.
type household struct {
	name   string
	plot   kernel.Area // its apple or vegetable plot, in hundredths of a mu
	people int64       // members of the household: population shares
	labour int64       // labour-age shares
}

// The households. The first four entrust their apple plots for the orchard
// package (28.50 + 24.00 + 22.30 + 21.20 = 96.00 mu); the next two farm vegetables.
var households = []household{
	{"王建国", 2850, 4, 38}, {"王秀英", 2400, 3, 31}, {"王志强", 2230, 5, 44},
	{"王桂兰", 2120, 2, 27}, {"王德明", 1640, 4, 35}, {"王海燕", 1380, 3, 22},
	{"王立新", 0, 5, 41}, {"王春梅", 0, 2, 19},
}

func (h household) id() uuid.UUID     { return id("household/" + h.name) }
func (h household) member() uuid.UUID { return id("member/" + h.name) }
func (h household) asset() uuid.UUID  { return id("asset/plot/" + h.name) }

// The other assets.
var (
	assetColdStore  = id("asset/wangjiazhuang/cold-store")
	assetGreenhouse = id("asset/wangjiazhuang/greenhouses")
	assetMachinery  = id("asset/wangjiazhuang/machinery")
	assetForest     = id("asset/chedaoyu/forest")
	assetWasteland  = id("asset/chedaoyu/wasteland")
	assetReservoir  = id("asset/chedaoyu/reservoir")
)

// story is the demo, in time order. Days count from the start (now − History),
// at Shanghai office hours; the live auction is timed back from now.
func story(s *seeder) {
	s.at(s.day(0, 9, 0))
	// The exchange's working-day calendar: the State Council's notices built in.
	send(s, s.app.Calendar, actor("exchange", Exchange))(calendar.ImportDays{Days: calendar.Official()})
	founding(s)
	s.at(s.day(0, 10, 0))
	registerAssets(s)
	s.at(s.day(0, 15, 0))
	entrustOrchard(s)

	orchardAuction(s)
	// A holiday in the orchard's working days may have pushed its end past day 22.
	s.at(s.notBefore(s.day(22, 9, 30)))
	cooperative(s)
	s.at(s.notBefore(s.day(24, 10, 0)))
	loan(s)

	forestAnnouncement(s)
	s.at(s.day(45, 15, 0))
	declareDividend(s)
	otherListings(s)
	s.at(s.day(59, 15, 30))
	repayEarly(s)
	liveBidding(s)
}

// founding: the parties are registered, and the fund and the bank's loan
// product exist before anything trades.
func founding(s *seeder) {
	for _, p := range Register() {
		sendVia(s, s.app.PartyCommands().Handle, actor("exchange", Exchange))(party.Command(p))
	}
	send(s, s.app.Funds, actor("exchange", Exchange))(fund.EstablishFund{
		FundID: Fund, By: Exchange, Name: "潍坊市农村产权运作基金", Settings: fund.DefaultSettings()})
	send(s, s.app.Products, actor("bank", Bank))(lending.DefineLoanProduct{
		ProductID: LoanProduct, By: Bank, Name: "农村产权抵押贷（品质贷）",
		Terms: lending.DefaultTerms(
			lending.Tier{Credential: "GEOGRAPHICAL_INDICATION", CreditLine: kernel.Yuan(3_000_000), MaxTermMonths: 60, AnnualRateBP: 385},
			lending.Tier{Credential: "GREEN_FOOD", CreditLine: kernel.Yuan(1_000_000), MaxTermMonths: 36, AnnualRateBP: 435},
			lending.Tier{Credential: "STANDARD", CreditLine: kernel.Yuan(300_000), MaxTermMonths: 12, AnnualRateBP: 520},
		)})
}

// registerAssets registers twelve assets: six household plots of contracted
// land, a cold store, greenhouses and farm machinery in 王家庄; a forest, a
// barren hillside and a small reservoir in 车道峪.
func registerAssets(s *seeder) {
	secondRound := time.Date(2057, 12, 31, 0, 0, 0, 0, kernel.Shanghai) // the second-round contracts, extended 30 years
	year := s.clock.Now().In(kernel.Shanghai).Year()
	for i, h := range households {
		if h.plot == 0 {
			continue
		}
		crop := "苹果园"
		if i >= 4 {
			crop = "露天蔬菜地"
		}
		send(s, s.app.Assets, actor("collective", Wangjiazhuang))(registry.RegisterAsset{
			AssetID: h.asset(), By: Wangjiazhuang, Type: kernel.AssetLandManagementRight, Location: wangjiazhuangVillage,
			Area: h.plot, CertificateNo: fmt.Sprintf("370783210203JC%05d", 101+i), RightsEnd: secondRound,
			Title:       fmt.Sprintf("%s户承包地（%s）", h.name, crop),
			Description: fmt.Sprintf("王家庄村南%s，%s亩，水浇地，机井配套。", crop, h.plot),
			Contractor:  h.id(), Holder: h.id(),
			Source: registry.Source{Reference: fmt.Sprintf("鲁（2019）寿光市农村土地承包经营权第%04d号", 2301+i), Date: time.Date(2019, 6, 18, 0, 0, 0, 0, kernel.Shanghai)},
		})
	}
	collectiveAsset := func(asset, by uuid.UUID, t kernel.AssetType, loc registry.Location, area kernel.Area, cert string, end time.Time, title, desc string) {
		send(s, s.app.Assets, actor("collective", by))(registry.RegisterAsset{
			AssetID: asset, By: by, Type: t, Location: loc, Area: area, CertificateNo: cert, RightsEnd: end,
			Title: title, Description: desc, Holder: by,
			Source: registry.Source{Reference: cert, Date: time.Date(year-1, 3, 15, 0, 0, 0, 0, kernel.Shanghai)},
		})
	}
	collectiveAsset(assetColdStore, Wangjiazhuang, kernel.AssetCollectiveOperating, wangjiazhuangVillage, 350,
		"寿集资〔2021〕017号", time.Date(2046, 12, 31, 0, 0, 0, 0, kernel.Shanghai),
		"王家庄村集体果蔬冷库", "村集体2021年建成的果蔬保鲜冷库，库容800吨，配套分拣车间和地磅。")
	collectiveAsset(assetGreenhouse, Wangjiazhuang, kernel.AssetFarmFacility, wangjiazhuangVillage, 4200,
		"寿集资〔2020〕009号", time.Date(2040, 12, 31, 0, 0, 0, 0, kernel.Shanghai),
		"王家庄村集体蔬菜大棚（12座）", "第七代寿光冬暖式蔬菜大棚12座，每座约3.5亩，配水肥一体化设施。")
	collectiveAsset(assetMachinery, Wangjiazhuang, kernel.AssetFarmFacility, wangjiazhuangVillage, 30,
		"寿集资〔2022〕004号", time.Date(2034, 12, 31, 0, 0, 0, 0, kernel.Shanghai),
		"王家庄村集体农机具一批", "拖拉机2台、植保无人机3架、旋耕机和播种机各2台，存放于村农机库。")
	collectiveAsset(assetForest, Chedaoyu, kernel.AssetForestRight, chedaoyuVillage, 128000,
		"鲁（2018）青州市不动产权第0011203号", time.Date(2066, 12, 31, 0, 0, 0, 0, kernel.Shanghai),
		"车道峪村集体山林", "村集体统一经营的山场1280亩，侧柏、刺槐为主，适宜发展林下经济和山楂、核桃种植。")
	collectiveAsset(assetWasteland, Chedaoyu, kernel.AssetWastelandUseRight, chedaoyuVillage, 31500,
		"青王集资〔2019〕021号", time.Date(2049, 12, 31, 0, 0, 0, 0, kernel.Shanghai),
		"车道峪村北荒山", "村北荒山315亩，坡度平缓，适宜整理后种植林果。")
	collectiveAsset(assetReservoir, Chedaoyu, kernel.AssetSmallWaterWorks, chedaoyuVillage, 860,
		"青王水〔2017〕006号", time.Date(2042, 12, 31, 0, 0, 0, 0, kernel.Shanghai),
		"车道峪村塘坝", "小型塘坝一座，库容3.2万立方米，灌溉下游果园约400亩。")
}

// entrustOrchard: the four orchard households entrust their plots in writing
// to the collective, for a consolidated lease of up to 15 years (rule 5).
func entrustOrchard(s *seeder) {
	now := s.clock.Now()
	for i, h := range households[:4] {
		send(s, s.app.Assets, actor("household", h.id()))(registry.EntrustPlot{
			AssetID: h.asset(), By: h.id(), Entrustee: Wangjiazhuang, Collective: Wangjiazhuang,
			Scope: []registry.Form{registry.FormLease, registry.FormSubContract},
			Start: now, End: now.AddDate(15, 0, 0),
			Source: registry.Source{Reference: fmt.Sprintf("王家庄村土地流转委托书第%03d号", i+1), Date: now},
		})
	}
}

// orchardAuction runs 「王家庄苹果园土地经营权流转」 from package to
// certificate: three bidders, a live auction with three anti-sniping
// extensions, payment, the losers' refunds, the transfer contract with its
// filing and registration, the new holder on the register, and the
// transaction certificate.
//
// The contract follows the award as internal/process drafts one: the price
// paid through the exchange is the whole consideration for the term (no rent
// of its own), and the term starts at the Shanghai midnight after payment.
func orchardAuction(s *seeder) {
	wang := actor("collective", Wangjiazhuang)
	s.at(s.day(1, 9, 0))
	intended := s.day(21, 0, 0) // the lease is meant to start within three weeks; the contract starts after payment
	send(s, s.app.Packages, wang)(registry.CreatePackage{PackageID: OrchardPackage, By: Wangjiazhuang,
		Title: "王家庄苹果园连片流转", Form: registry.FormLease, Start: intended, End: intended.AddDate(10, 0, 0)})
	for _, h := range households[:4] {
		plot := read(s, s.app.Assets, h.asset(), registry.State.Plot)
		send(s, s.app.Packages, wang)(registry.AddPlot{PackageID: OrchardPackage, By: Wangjiazhuang, Plot: plot})
	}
	send(s, s.app.Packages, wang)(registry.SealPackage{PackageID: OrchardPackage, By: Wangjiazhuang})
	pkg := read(s, s.app.Packages, OrchardPackage, func(p registry.PackageState) registry.PackageState { return p })
	var plots []uuid.UUID
	for _, p := range pkg.Plots {
		plots = append(plots, p.AssetID)
	}
	facts := s.facts(plots...)
	send(s, s.app.Listings, wang)(listing.CreateListing{ListingID: ListingAwarded, ReservePrice: kernel.Yuan(1_080_000), Details: listing.Details{
		Title: "王家庄苹果园土地经营权流转",
		Description: "王家庄村4户农户委托村集体连片流转的苹果园共96亩，红富士为主，树龄12年，盛果期，配套机井和滴灌。" +
			"流转期限10年，挂牌价为10年流转价款总额（每亩每年1100元），成交价款经交易中心一次性结算。",
		Seller: Wangjiazhuang, Asset: facts, ListedPrice: kernel.Yuan(1_056_000), StartingPrice: kernel.Yuan(1_056_000),
		Increment: kernel.Yuan(12_000), TermMonths: 120, Settings: listing.DefaultSettings(),
	}})
	s.at(s.day(2, 10, 0))
	send(s, s.app.Listings, wang)(listing.SubmitListing{ListingID: ListingAwarded, Resolution: listing.Resolution{
		Body: "王家庄村村民代表会议", VotesFor: 27, Total: 31, Date: s.day(1, 19, 0)}})
	s.at(s.day(3, 10, 0))
	approve(s, ListingAwarded, 7)

	bidders := []uuid.UUID{Lvyuan, Fenghe, Luqing}
	for i, b := range bidders {
		s.at(s.day(4+i, 11, 0))
		register(s, ListingAwarded, b)
	}
	s.at(s.day(7, 16, 0))
	for _, b := range bidders {
		send(s, s.app.Listings, actor("exchange", Exchange))(listing.QualifyBidder{ListingID: ListingAwarded, BidderID: b, Qualified: true})
	}

	opens := read(s, s.app.Listings, ListingAwarded, func(l listing.State) time.Time { return l.BiddingOpensAt })
	for _, b := range []struct {
		after  time.Duration
		bidder uuid.UUID
		amount int64
	}{
		{2 * time.Minute, Lvyuan, 1_056_000}, {6 * time.Minute, Fenghe, 1_068_000}, {11 * time.Minute, Luqing, 1_080_000},
		{19 * time.Minute, Lvyuan, 1_104_000}, {31 * time.Minute, Fenghe, 1_116_000}, // the timed round: each bid extends
		{34 * time.Minute, Luqing, 1_128_000}, {37 * time.Minute, Fenghe, 1_152_000},
	} {
		s.at(opens.Add(b.after))
		bid(s, ListingAwarded, b.bidder, kernel.Yuan(b.amount))
	}
	closes := read(s, s.app.Listings, ListingAwarded, func(l listing.State) time.Time { return l.ClosesAt })
	s.at(closes) // the scheduler closes the auction: 1,152,000 yuan, 1,200 yuan per mu and year

	award := read(s, s.app.Listings, ListingAwarded, func(l listing.State) listing.Award { return l.Award })
	s.at(award.PaymentDue.Add(-30 * time.Hour))
	exchange := actor("exchange", Exchange)
	send(s, s.app.Listings, exchange)(listing.ConfirmPayment{ListingID: ListingAwarded, Amount: award.BalanceDue})
	paid := s.clock.Now().In(kernel.Shanghai)
	for _, b := range []uuid.UUID{Lvyuan, Luqing} {
		send(s, s.app.Listings, exchange)(listing.RefundDeposit{ListingID: ListingAwarded, BidderID: b})
	}

	s.at(award.PaymentDue.Add(-26 * time.Hour))
	start := time.Date(paid.Year(), paid.Month(), paid.Day()+1, 0, 0, 0, 0, kernel.Shanghai)
	terms := transfer.Terms{Transferor: Wangjiazhuang, Transferee: award.BidderID, Form: transfer.FormLease, Use: transfer.UseCropping,
		Start: start, End: start.AddDate(0, 120, 0), Frequency: transfer.OneOff,
		Resolution: &transfer.Resolution{Body: transfer.VillagerRepresentatives, VotesFor: 27, Total: 31,
			Document: transfer.Document{Reference: "王家庄村村民代表会议决议（土地流转）", Signed: s.day(1, 19, 0)}}}
	for _, p := range pkg.Plots {
		terms.Plots = append(terms.Plots, withFacts(s, func(ctx context.Context, p transfer.Plot) (transfer.Plot, error) {
			plot, _, err := s.app.Facts().ContractPlot(ctx, p.AssetID, Wangjiazhuang)
			return plot, err
		}, transfer.Plot{AssetID: p.AssetID}))
	}
	send(s, s.app.Transfers, system)(transfer.DraftFromAward{ContractID: OrchardContract, ListingID: ListingAwarded, Terms: terms})
	signed := s.clock.Now()
	year := signed.In(kernel.Shanghai).Year()
	doc := transfer.Document{Reference: fmt.Sprintf("潍农交（%d）流转合同第0018号", year), Signed: signed}
	send(s, s.app.Transfers, actor("bidder", award.BidderID))(transfer.SignContract{ContractID: OrchardContract, Document: doc})
	send(s, s.app.Listings, system)(listing.SignContract{ListingID: ListingAwarded, ContractID: OrchardContract})
	for _, p := range pkg.Plots {
		send(s, s.app.Assets, system)(registry.TransferManagementRight{AssetID: p.AssetID, ContractID: OrchardContract,
			Transferor: Wangjiazhuang, Transferee: award.BidderID, Form: registry.FormLease, Start: terms.Start, End: terms.End,
			Source: registry.Source{Reference: doc.Reference, Date: signed}})
	}
	send(s, s.app.Transfers, wang)(transfer.FileContract{ContractID: OrchardContract, By: Wangjiazhuang, FilingNo: fmt.Sprintf("寿孙备〔%d〕031号", year)})
	send(s, s.app.Transfers, exchange)(transfer.RegisterContract{ContractID: OrchardContract, RegistrationNo: fmt.Sprintf("鲁寿光土流登字（%d）0452号", year)})
	send(s, s.app.Listings, exchange)(listing.IssueCertificate{ListingID: ListingAwarded, Number: fmt.Sprintf("WFNJ-JZ-%d-0018", year)})
}

// system is the actor of the steps a process manager (internal/process)
// takes in the running exchange: the seed takes them itself, in the same way,
// so the managers find them done when they first read the demo's events.
const system = "system:demo"

// cooperative founds 王家庄村股份经济合作社 and quantifies its shares:
// population shares of 10 per household member and labour-age shares.
func cooperative(s *seeder) {
	wang := actor("collective", Wangjiazhuang)
	send(s, s.app.Coops, wang)(coop.FoundCooperative{CoopID: Coop, Collective: Wangjiazhuang, Name: "王家庄村股份经济合作社", Settings: coop.DefaultSettings()})
	var alloc []coop.Allocation
	for _, h := range households {
		send(s, s.app.Coops, wang)(coop.AdmitMember{CoopID: Coop, Member: h.member(), Household: h.id()})
		alloc = append(alloc,
			coop.Allocation{Member: h.member(), Class: coop.ClassPopulation, Shares: 10 * h.people},
			coop.Allocation{Member: h.member(), Class: coop.ClassLabourAge, Shares: h.labour})
	}
	send(s, s.app.Coops, wang)(coop.AllocateShares{CoopID: Coop, Allocations: alloc})
}

// declareDividend: the cooperative declares 86,456.17 yuan of the year's
// income as a dividend, apportioned to the fen over the register; it is left
// unpaid, for a user to pay.
func declareDividend(s *seeder) {
	send(s, s.app.Coops, actor("collective", Wangjiazhuang))(coop.DeclareDividend{CoopID: Coop, DividendID: Dividend, Amount: 8_645_617})
}

// loan: Fenghe borrows 300,000 yuan against the largest orchard plot it now
// leases. The household's written consent to the mortgage is recorded (rule
// 7), the rent is paid (rule 9), the bank values, approves, registers the
// mortgage and disburses.
func loan(s *seeder) {
	plot := households[0]
	consent := id("consent/" + plot.name + "/mortgage")
	consentDoc := "王建国同意抵押融资书面意见（王家庄村备案第007号）"
	send(s, s.app.Assets, actor("collective", Wangjiazhuang))(registry.RecordConsent{AssetID: plot.asset(), By: Wangjiazhuang,
		ConsentID: consent, Contractor: plot.id(), Grantee: Fenghe, Purpose: registry.ConsentMortgage,
		Source: registry.Source{Reference: consentDoc, Date: s.clock.Now()}})

	s.at(s.notBefore(s.day(25, 10, 0)))
	product := read(s, s.app.Products, LoanProduct, lending.ProductState.Snapshot)
	col := withFacts(s, func(ctx context.Context, c lending.Collateral) (lending.Collateral, error) {
		return s.app.Facts().LoanCollateral(ctx, c.AssetID, Fenghe)
	}, lending.Collateral{AssetID: plot.asset()})
	send(s, s.app.Loans, actor("bidder", Fenghe))(lending.ApplyForLoan{LoanID: Loan, Borrower: Fenghe, Bank: Bank, Product: product,
		Credential: "GREEN_FOOD", Amount: kernel.Yuan(300_000), TermMonths: 36, Method: lending.EqualInstalments, Collateral: col})
	bank := actor("bank", Bank)
	s.at(s.notBefore(s.day(27, 14, 0)))
	send(s, s.app.Loans, bank)(lending.ValueCollateral{LoanID: Loan, By: Bank, Value: kernel.Yuan(620_000), Appraiser: id("party/appraiser")})
	s.at(s.notBefore(s.day(29, 10, 30)))
	send(s, s.app.Loans, bank)(lending.ApproveLoan{LoanID: Loan, By: Bank, Amount: kernel.Yuan(300_000)})

	s.at(s.notBefore(s.day(30, 9, 30)))
	registered := s.clock.Now()
	number := fmt.Sprintf("DJ-%d-000123", registered.In(kernel.Shanghai).Year())
	end := registered.AddDate(3, 6, 0)
	send(s, s.app.Collateral, bank)(withFacts(s, s.app.Facts().Filing, collateral.RegisterCollateral{RegistrationID: Mortgage, By: Bank, Number: number,
		Grantor: Fenghe, SecuredParty: Bank, Collateral: collateral.Collateral{Kind: collateral.KindMortgage, Asset: plot.asset()},
		SecuredAmount: kernel.Yuan(300_000), Start: registered, End: end}))
	send(s, s.app.Assets, system)(registry.AddRestriction{AssetID: plot.asset(), Restriction: registry.Restriction{
		ID: Mortgage, Kind: registry.RestrictionMortgage, Grantor: Fenghe, SecuredParty: Bank, Amount: kernel.Yuan(300_000),
		Start: registered, Source: registry.Source{Reference: number, Date: registered}}})
	send(s, s.app.Loans, system)(withFacts(s, func(ctx context.Context, c lending.RecordCollateralRegistered) (lending.RecordCollateralRegistered, error) {
		return s.app.SecureLoan(ctx, c.RegistrationID, c.LoanID, app.Meta{CommandID: id("secure/" + Loan.String()), Actor: system})
	}, lending.RecordCollateralRegistered{LoanID: Loan, RegistrationID: Mortgage}))
	s.at(s.notBefore(s.day(31, 10, 0)))
	send(s, s.app.Loans, bank)(withFacts(s, s.app.Facts().Disbursal, lending.DisburseLoan{LoanID: Loan, By: Bank}))
}

// repayEarly: Fenghe pays its first instalment a few days before it is due.
func repayEarly(s *seeder) {
	first := read(s, s.app.Loans, Loan, func(l lending.State) kernel.Money { return l.Schedule[0].Unpaid() })
	send(s, s.app.Loans, actor("bidder", Fenghe))(lending.RepayLoan{LoanID: Loan, Amount: first})
}

// forestAnnouncement lists 「车道峪村集体林地经营权流转」 with a three-day
// free-bidding period (a local setting) that opens three hours before now,
// and qualifies all three bidders.
func forestAnnouncement(s *seeder) {
	che := actor("collective", Chedaoyu)
	s.at(s.day(33, 10, 0))
	settings := listing.DefaultSettings()
	settings.FreeBidding = 72 * time.Hour
	settings.TimedRound = 10 * time.Minute
	facts := s.facts(assetForest)
	send(s, s.app.Listings, che)(listing.CreateListing{ListingID: ListingLive, ReservePrice: kernel.Yuan(600_000), Details: listing.Details{
		Title: "车道峪村集体林地经营权流转",
		Description: "车道峪村集体山林1280亩整体流转20年，用于林下中药材、山楂和核桃种植，不得改变林地用途。" +
			"网络竞价：自由报价72小时，限时报价10分钟，最后5分钟内出价顺延5分钟。",
		Seller: Chedaoyu, Asset: facts, ListedPrice: kernel.Yuan(560_000), StartingPrice: kernel.Yuan(580_000),
		Increment: kernel.Yuan(5_000), TermMonths: 240, Settings: settings,
	}})
	s.at(s.day(34, 10, 0))
	send(s, s.app.Listings, che)(listing.SubmitListing{ListingID: ListingLive, Resolution: listing.Resolution{
		Body: "车道峪村村民会议", VotesFor: 212, Total: 246, Date: s.day(33, 19, 30)}})
	s.at(s.day(36, 10, 0))
	send(s, s.app.Listings, actor("exchange", Exchange))(listing.ReviewListing{ListingID: ListingLive, Approve: true,
		AnnouncementEnds: s.calendar().AddWorkingDays(s.clock.Now(), 7), BiddingOpensAt: s.now.Add(-3 * time.Hour)})
	for i, b := range []uuid.UUID{Luqing, Lvyuan, Fenghe} {
		s.at(s.day(37+i, 15, 0))
		register(s, ListingLive, b)
	}
	s.at(s.day(41, 11, 0))
	for _, b := range []uuid.UUID{Luqing, Lvyuan, Fenghe} {
		send(s, s.app.Listings, actor("exchange", Exchange))(listing.QualifyBidder{ListingID: ListingLive, BidderID: b, Qualified: true})
	}
}

// otherListings: the greenhouses announced with registration open, the cold
// store submitted for review, and the barren hillside still a draft.
func otherListings(s *seeder) {
	wang, che := actor("collective", Wangjiazhuang), actor("collective", Chedaoyu)
	vote := func(at time.Time) listing.Resolution {
		return listing.Resolution{Body: "王家庄村村民代表会议", VotesFor: 29, Total: 31, Date: at}
	}
	s.at(s.day(52, 10, 0))
	send(s, s.app.Listings, wang)(listing.CreateListing{ListingID: ListingSubmitted, ReservePrice: kernel.Yuan(150_000), Details: listing.Details{
		Title:       "王家庄村集体冷库租赁经营",
		Description: "村集体果蔬保鲜冷库（库容800吨）及分拣车间整体出租经营5年，挂牌价为年租金。",
		Seller:      Wangjiazhuang, Asset: s.facts(assetColdStore),
		ListedPrice: kernel.Yuan(160_000), StartingPrice: kernel.Yuan(160_000), Increment: kernel.Yuan(2_000),
		TermMonths: 60, Basis: listing.BasisAnnualRent, Settings: listing.DefaultSettings(),
	}})
	s.at(s.day(54, 9, 30))
	send(s, s.app.Listings, wang)(listing.CreateListing{ListingID: ListingAnnounced, ReservePrice: kernel.Yuan(200_000), Details: listing.Details{
		Title:       "王家庄蔬菜大棚租赁",
		Description: "村集体第七代冬暖式蔬菜大棚12座（约42亩）整体出租8年，挂牌价为年租金，适宜种植黄瓜、番茄、彩椒。",
		Seller:      Wangjiazhuang, Asset: s.facts(assetGreenhouse),
		ListedPrice: kernel.Yuan(216_000), StartingPrice: kernel.Yuan(216_000), Increment: kernel.Yuan(3_000),
		TermMonths: 96, Basis: listing.BasisAnnualRent, Settings: listing.DefaultSettings(),
		Rent: listing.Rent{StepUp: kernel.StepUp{EveryYears: 3, Percent: 5}},
	}})
	s.at(s.day(55, 10, 0))
	send(s, s.app.Listings, wang)(listing.SubmitListing{ListingID: ListingSubmitted, Resolution: vote(s.day(51, 19, 0))})
	send(s, s.app.Listings, wang)(listing.SubmitListing{ListingID: ListingAnnounced, Resolution: vote(s.day(51, 19, 0))})
	s.at(s.day(56, 10, 0))
	approve(s, ListingAnnounced, 10)
	s.at(s.day(57, 11, 0))
	register(s, ListingAnnounced, Luqing)
	s.at(s.day(58, 10, 0))
	send(s, s.app.Listings, che)(listing.CreateListing{ListingID: ListingDraft, Details: listing.Details{
		Title:       "车道峪村荒山使用权流转",
		Description: "村北荒山315亩使用权流转15年，用于整理后种植林果，挂牌价为每亩年租金（200元/亩·年）。",
		Seller:      Chedaoyu, Asset: s.facts(assetWasteland),
		ListedPrice: kernel.Yuan(200), StartingPrice: kernel.Yuan(200), Increment: kernel.Yuan(5),
		TermMonths: 180, Basis: listing.BasisRentPerMuYear, Settings: listing.DefaultSettings(),
	}})
	s.at(s.day(59, 11, 0))
	send(s, s.app.Listings, actor("exchange", Exchange))(listing.QualifyBidder{ListingID: ListingAnnounced, BidderID: Luqing, Qualified: true})
	send(s, s.app.Listings, actor("bidder", Lvyuan))(listing.RegisterBidder{ListingID: ListingAnnounced, BidderID: Lvyuan})
}

// liveBidding places three bids in the forest auction in the hours before now.
func liveBidding(s *seeder) {
	for _, b := range []struct {
		before time.Duration
		bidder uuid.UUID
		amount int64
	}{
		{160 * time.Minute, Lvyuan, 580_000}, {75 * time.Minute, Luqing, 590_000}, {25 * time.Minute, Fenghe, 600_000},
	} {
		s.at(s.now.Add(-b.before))
		bid(s, ListingLive, b.bidder, kernel.Yuan(b.amount))
	}
}

// approve is the exchange approving a submitted listing with an announcement
// of workingDays, bidding opening at 09:30 the next morning.
func approve(s *seeder, listingID uuid.UUID, workingDays int) {
	ends := s.calendar().AddWorkingDays(s.clock.Now(), workingDays)
	send(s, s.app.Listings, actor("exchange", Exchange))(listing.ReviewListing{ListingID: listingID, Approve: true,
		AnnouncementEnds: ends, BiddingOpensAt: ends.Add(time.Nanosecond + 9*time.Hour + 30*time.Minute)})
}

// register is bidder registering for a listing and the exchange confirming
// its deposit.
func register(s *seeder, listingID, bidder uuid.UUID) {
	send(s, s.app.Listings, actor("bidder", bidder))(listing.RegisterBidder{ListingID: listingID, BidderID: bidder})
	due := read(s, s.app.Listings, listingID, func(l listing.State) kernel.Money { b, _ := l.Bidder(bidder); return b.DepositDue })
	send(s, s.app.Listings, actor("exchange", Exchange))(listing.ConfirmDeposit{ListingID: listingID, BidderID: bidder, Amount: due})
}

func bid(s *seeder, listingID, bidder uuid.UUID, amount kernel.Money) {
	send(s, s.app.Listings, actor("bidder", bidder))(listing.PlaceBid{ListingID: listingID, BidderID: bidder, Amount: amount})
}

// facts returns the assets' facts as a listing created now takes them.
func (s *seeder) facts(assets ...uuid.UUID) listing.AssetFacts {
	return withFacts(s, func(ctx context.Context, f listing.AssetFacts) (listing.AssetFacts, error) {
		return s.app.Facts().ListingAssets(ctx, f.AssetIDs)
	}, listing.AssetFacts{AssetIDs: assets})
}
