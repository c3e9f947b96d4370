// Package seeder fills a database with data, as MikroORM's seeders and
// entity factories do: a Seeder writes rows through an EntityManager, Run
// runs seeders in order (flushing after each), and a Factory makes entities
// from a definition with overrides, typed or as data (em.Assign rules, so
// nested objects and lists of keys work and errors name the property path).
//
//	type DatabaseSeeder struct{}
//
//	func (DatabaseSeeder) Run(ctx context.Context, m *em.EntityManager) error {
//		authors := seeder.NewFactory(func(i int) *Author {
//			return &Author{Name: fmt.Sprintf("author %d", i), Email: fmt.Sprintf("a%d@example.com", i)}
//		})
//		books := seeder.NewFactory(func(i int) *Book { return &Book{Title: fmt.Sprintf("book %d", i)} })
//		a, err := authors.CreateOne(ctx, m)
//		if err != nil {
//			return err
//		}
//		_, err = books.Each(func(b *Book, _ int) { b.Author = a }).
//			With(map[string]any{"tags": []any{map[string]any{"name": "new"}}}).Create(ctx, m, 10)
//		return err
//	}
//
// The CLI runs seeders registered in cli.Config.Seeders: `seeder:run
// [--seeder Name]`, and `schema:fresh --run --seed` recreates the schema
// and seeds it.
package seeder
