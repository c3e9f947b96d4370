package mongo_test

import (
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/unitorm/unitorm/mongo"
	"github.com/unitorm/unitorm/qb"
)

func ExampleFilter() {
	f, err := mongo.Filter(qb.Or(
		qb.Cond{"title": qb.Like("The %"), "price": qb.Gte(10)},
		qb.Cond{"status": qb.Nin("draft", "gone")},
	))
	if err != nil {
		panic(err)
	}
	b, _ := bson.MarshalExtJSON(f, false, false)
	fmt.Println(string(b))
	// Output:
	// {"$or":[{"price":{"$gte":10},"title":{"$regularExpression":{"pattern":"^The .*$","options":"s"}}},{"status":{"$nin":["draft","gone",null]}}]}
}

func ExamplePipeline() {
	p := mongo.NewPipeline().
		Match(qb.Cond{"price": qb.Gte(10)}).
		Group("$author_id", mongo.Sum("total", "$price")).
		Sort(mongo.Desc("total")).
		Limit(3)
	stages, err := p.Build()
	if err != nil {
		panic(err)
	}
	for _, s := range stages {
		b, _ := bson.MarshalExtJSON(s, false, false)
		fmt.Println(string(b))
	}
	// Output:
	// {"$match":{"price":{"$gte":10}}}
	// {"$group":{"_id":"$author_id","total":{"$sum":"$price"}}}
	// {"$sort":{"total":-1}}
	// {"$limit":3}
}
