package benchmarks

import (
	"context"
	"strconv"
	"testing"

	"github.com/unitorm/unitorm/internal/uow"
)

// BenchmarkArrayForms measures where PostgreSQL's array forms (unnest,
// = ANY; uow.ArrayMinRows) start to pay against the VALUES / CASE / IN
// forms: the same insert (keys generated), update (one column) and delete
// of n users, with the threshold forced either way. The ratio per n (same
// run) is what ArrayMinRows (per kind of step) is set from.
func BenchmarkArrayForms(b *testing.B) {
	orm := openORM(b, "postgres", pgPoolDSN(b))
	ctx := context.Background()
	saved := uow.ArrayMinRows
	defer func() { uow.ArrayMinRows = saved }()
	for _, n := range []int{4, 8, 16, 32, 64, 128, 512} {
		for _, form := range []string{"values", "arrays"} {
			min := 1 << 30
			if form == "arrays" {
				min = 1
			}
			b.Run("n="+strconv.Itoa(n)+"/op=insert/form="+form, func(b *testing.B) {
				uow.ArrayMinRows.All(min)
				for range b.N {
					b.StopTimer()
					clearUsers(b, orm)
					us := makeUsers(n)
					f := orm.Fork()
					for _, u := range us {
						if err := f.Persist(u); err != nil {
							b.Fatal(err)
						}
					}
					b.StartTimer()
					if err := f.Flush(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("n="+strconv.Itoa(n)+"/op=update/form="+form, func(b *testing.B) {
				uow.ArrayMinRows.All(min)
				seedUsers(b, orm, n)
				for i := range b.N {
					b.StopTimer()
					f := orm.Fork()
					us := loadUsers(b, f, n)
					names := newNames(i, n)
					for j, u := range us {
						u.Name = names[j]
					}
					b.StartTimer()
					if err := f.Flush(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("n="+strconv.Itoa(n)+"/op=remove/form="+form, func(b *testing.B) {
				uow.ArrayMinRows.All(min)
				for range b.N {
					b.StopTimer()
					seedUsers(b, orm, n)
					f := orm.Fork()
					us := loadUsers(b, f, n)
					for _, u := range us {
						if err := f.Remove(u); err != nil {
							b.Fatal(err)
						}
					}
					b.StartTimer()
					if err := f.Flush(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
