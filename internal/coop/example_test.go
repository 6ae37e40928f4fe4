package coop_test

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/coop"
)

// 10.02 yuan over 400, 300 and 300 shares: the exact shares are 400.8, 300.6
// and 300.6 fen. Floors pay 1000 fen; the two fen left go to the largest
// remainder (0.8) and then, between the equal 0.6 remainders with equal
// shares, to the smaller holder id.
func ExampleApportion() {
	a := uuid.MustParse("00000000-0000-4000-8000-00000000000a")
	b := uuid.MustParse("00000000-0000-4000-8000-00000000000b")
	c := uuid.MustParse("00000000-0000-4000-8000-00000000000c")
	payouts, err := coop.Apportion(1002, map[uuid.UUID]int64{a: 400, b: 300, c: 300})
	if err != nil {
		panic(err)
	}
	for _, p := range payouts {
		fmt.Println(p.Holder.String()[34:], p.Shares, p.Amount)
	}
	// Output:
	// 0a 400 4.01
	// 0b 300 3.01
	// 0c 300 3.00
}
