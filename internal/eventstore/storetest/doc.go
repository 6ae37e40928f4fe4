// Package storetest is the one contract suite every eventstore.Store backend
// runs unchanged: memstore, the embedded filestore, and the KurrentDB adapter
// over gRPC.
//
// A backend's test calls Run with a function that opens a store:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t testing.TB) eventstore.Store {
//			s, err := filestore.Open(filestore.Options{Dir: t.TempDir()})
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		})
//	}
//
// Run calls open once per subtest and closes the store when the subtest ends,
// so open must not close it itself; Close must tolerate being called twice.
// The store may be fresh or shared (a remote server that already holds
// events): every subtest writes only to streams and event types under a
// random prefix of its own, and reads $all after a position it wrote itself,
// ignoring events outside its prefix. The assertions are properties —
// versions count from 1, positions strictly increase, errors.Is(err,
// eventstore.ErrConcurrency) — never one backend's numbers: positions need
// not be dense, and the recorded time need only be set, in UTC, and the same
// on every read.
//
// Subtests are named as sentences ("should refuse a wrong expected version
// with the actual version"), so `go test -run 'Contract/should_refuse'`
// selects them.
package storetest
