package io.busgate.gateway.graphql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import graphql.schema.GraphQLSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The schema's files checked one by one: clashes and syntax errors name the files, the report
 * says which file defines what, and fragments that only extend the root types compose.
 */
class SchemaCompositionTests {

	private static final String POST = """
			type Post {
			  id: ID!
			  title: String!
			}

			input CreatePostInput {
			  title: String!
			}

			enum PostState {
			  DRAFT
			  PUBLISHED
			}

			extend type Query {
			  post(id: ID!): Post @bus(operation: "post.getPosts", key: "id")
			}

			extend type Mutation {
			  createPost(input: CreatePostInput!): Post! @bus(operation: "post.createPost")
			}
			""";

	private static final String USER = """
			type User {
			  id: ID!
			  name: String
			}

			extend type Query {
			  user(id: ID!): User @bus(operation: "user.getUsers", key: "id")
			}
			""";

	@TempDir
	Path directory;

	@Test
	void typeDefinedByTwoFilesNamesBoth() throws IOException {
		Resource post = file("post.graphqls", POST);
		Resource links = file("links.graphqls", "type Post {\n  id: ID!\n}\n");

		assertThatIllegalStateException().isThrownBy(() -> SchemaComposition.of(List.of(post, links)))
			.withMessageContaining("Type 'Post' is defined by post.graphqls and by links.graphqls");
	}

	@Test
	void fieldAddedByTwoFilesNamesBoth() throws IOException {
		Resource user = file("user.graphqls", USER);
		Resource post = file("post.graphqls", POST);
		Resource links = file("links.graphqls", """
				extend type User {
				  posts: [Post!]! @bus(operation: "post.listByAuthor", key: "id")
				}
				""");
		Resource more = file("more-links.graphqls", """
				extend type User {
				  posts(first: Int = 10): [Post!]! @bus(operation: "post.listByAuthor", key: "id")
				}
				extend type Query {
				  user(id: ID!): User @bus(operation: "user.getUsers", key: "id")
				}
				""");

		assertThatIllegalStateException().isThrownBy(() -> SchemaComposition.of(List.of(user, post, links, more)))
			.withMessageContaining("Field 'User.posts' is defined by links.graphqls and by more-links.graphqls")
			.withMessageContaining("Field 'Query.user' is defined by user.graphqls and by more-links.graphqls");
	}

	@Test
	void inputFieldEnumValueAndDirectiveAddedTwiceNameBothFiles() throws IOException {
		Resource post = file("post.graphqls", POST);
		Resource extra = file("extra.graphqls", """
				extend input CreatePostInput {
				  title: String
				}
				extend enum PostState {
				  DRAFT
				}
				directive @bus(operation: String!) on FIELD_DEFINITION
				""");

		assertThatIllegalStateException().isThrownBy(() -> SchemaComposition.of(List.of(post, extra)))
			.withMessageContaining("Input field 'CreatePostInput.title' is defined by post.graphqls and by extra.graphqls")
			.withMessageContaining("Enum value 'PostState.DRAFT' is defined by post.graphqls and by extra.graphqls")
			.withMessageContaining("Directive '@bus' is defined by busgate.graphqls and by extra.graphqls");
	}

	@Test
	void builtInScalarDefinedAgainNamesTheBuiltIns() throws IOException {
		Resource user = file("user.graphqls", USER + "\nscalar Long\n");

		assertThatIllegalStateException().isThrownBy(() -> SchemaComposition.of(List.of(user)))
			.withMessageContaining("Type 'Long' is defined by busgate.graphqls and by user.graphqls");
	}

	@Test
	void syntaxErrorNamesTheFile() throws IOException {
		Resource user = file("user.graphqls", USER);
		Resource broken = file("links.graphqls", "extend type User {\n  posts: [Post!]! @bus(operation: \n}\n");

		assertThatIllegalStateException().isThrownBy(() -> SchemaComposition.of(List.of(user, broken)))
			.withMessageStartingWith("The GraphQL schema file links.graphqls does not parse")
			.withMessageContaining("line 3");
	}

	@Test
	void extendingATypeNoFileDefinesNamesTheFile() throws IOException {
		Resource user = file("user.graphqls", USER);
		Resource links = file("links.graphqls", "extend type Comment {\n  author: User\n}\n");

		assertThatIllegalStateException().isThrownBy(() -> SchemaComposition.of(List.of(user, links)))
			.withMessageContaining("Type 'Comment' is extended by links.graphqls but defined by no schema file");
	}

	@Test
	void schemaWithoutQueryFieldsSaysSo() throws IOException {
		Resource links = file("links.graphqls", """
				type Post {
				  id: ID!
				}
				extend type Subscription {
				  postCreated: Post! @busEvent(type: "post.createPost")
				}
				""");

		assertThatIllegalStateException().isThrownBy(() -> SchemaComposition.of(List.of(links)))
			.withMessageContaining("No schema file adds a field to Query")
			.withMessageContaining("files read: busgate.graphqls, links.graphqls");
	}

	@Test
	void reportSaysWhichFileDefinesWhat() throws IOException {
		Resource user = file("user.graphqls", USER);
		Resource post = file("post.graphqls", POST);
		Resource links = file("links.graphqls", """
				extend type User {
				  posts(first: Int = 10): [Post!]! @bus(operation: "post.listByAuthor", key: "id")
				}
				extend type Post {
				  author: User! @bus(operation: "user.getUsers", key: "authorId")
				}
				extend enum PostState {
				  ARCHIVED
				}
				""");

		assertThat(SchemaComposition.of(List.of(user, post, links)).definers()).containsExactly(
				"busgate.graphqls: directives @bus, @busEvent, @auth; types Long, JSON, Query, Mutation",
				"user.graphqls: types User; fields Query.user",
				"post.graphqls: types Post, CreatePostInput, PostState; fields Query.post, Mutation.createPost",
				"links.graphqls: fields User.posts, Post.author, PostState.ARCHIVED");
	}

	@Test
	void fragmentThatOnlyExtendsQueryComposes() throws IOException {
		GraphQLSchema schema = TestSchemas.compose(List.of(file("user.graphqls", USER)));

		assertThat(schema.getQueryType().getFieldDefinition("user")).isNotNull();
		assertThat(schema.getMutationType()).isNull();
		assertThat(schema.getSubscriptionType()).isNull();
		assertThat(schema.getType("Long")).isNotNull();
		assertThat(schema.getDirective("bus")).isNotNull();
	}

	@Test
	void fileThatDefinesQueryItselfKeepsIt() throws IOException {
		Resource root = file("root.graphqls", "\"The entry points.\"\ntype Query {\n  version: String\n}\n");
		SchemaComposition composition = SchemaComposition.of(List.of(root, file("user.graphqls", USER)));

		assertThat(composition.definers()).contains("root.graphqls: types Query",
				"user.graphqls: types User; fields Query.user");
		GraphQLSchema schema = TestSchemas.compose(List.of(root, file("user.graphqls", USER)));
		assertThat(schema.getQueryType().getDescription()).isEqualTo("The entry points.");
		assertThat(schema.getQueryType().getFieldDefinitions()).extracting("name").containsExactly("version", "user");
	}

	private Resource file(String name, String sdl) throws IOException {
		return new FileSystemResource(Files.writeString(this.directory.resolve(name), sdl));
	}

}
