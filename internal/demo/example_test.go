package demo_test

import (
	"fmt"

	"github.com/nongjiao/nongjiao/internal/demo"
)

// The demo's ids never change, so these commands print tokens for the demo's
// parties in any data directory the demo was loaded into.
func ExampleParties() {
	for _, p := range demo.Parties() {
		fmt.Printf("nongjiao token --role %-10s --party %s  # %s\n", p.Role, p.ID, p.Name)
	}
	// Output:
	// nongjiao token --role exchange   --party 821f87ce-5da6-5b4a-926d-ea36e4ec0917  # 潍坊农村产权交易中心（交易所运营方）
	// nongjiao token --role fund       --party 821f87ce-5da6-5b4a-926d-ea36e4ec0917  # 潍坊市农村产权运作基金（由交易中心运营）
	// nongjiao token --role collective --party 37e564bd-cdc0-596a-8337-f8c11d73db5b  # 王家庄村股份经济合作社
	// nongjiao token --role collective --party aa6c3dc4-87eb-5f0d-94b8-28125d0a0b93  # 车道峪村股份经济合作社
	// nongjiao token --role bidder     --party 01ece5f5-69cd-5fac-9e9e-19dc453cd52c  # 潍坊丰禾农业发展有限公司
	// nongjiao token --role bidder     --party 3fcfe076-e17c-5979-93db-597d019f0453  # 寿光市绿源果蔬种植专业合作社
	// nongjiao token --role bidder     --party 690de766-3b41-5feb-9671-1a9b9a846f18  # 山东鲁青林果科技有限公司
	// nongjiao token --role bidder     --party 1e668078-c4ff-5be5-9ee8-6ca12a3149d0  # 王立新（王家庄股份经济合作社成员）
	// nongjiao token --role bank       --party f1058943-27af-5869-a6ff-54544704f393  # 寿光农村商业银行股份有限公司
}
