package io.busgate.examples.post;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo.Location;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The descriptor set the build writes beside the classes ({@code target/descriptors}), as the
 * README promises it: the API with its imports and its comments.
 */
class PostServiceDescriptorSetTests {

	@Test
	void holdsTheApiWithItsImportsAndComments() throws IOException {
		FileDescriptorSet set = FileDescriptorSet
			.parseFrom(Files.readAllBytes(Path.of("target/descriptors/post-service.binpb")));

		assertThat(set.getFileList()).extracting(FileDescriptorProto::getName)
			.containsExactly("google/protobuf/timestamp.proto", "busgate/post/v1/post_service.proto");
		FileDescriptorProto api = set.getFile(1);
		assertThat(api.getService(0).getName()).isEqualTo("PostService");
		assertThat(api.getSourceCodeInfo().getLocationList()).extracting(Location::getLeadingComments)
			.anySatisfy((comment) -> assertThat(comment).startsWith(" The posts with the given ids that exist"));
	}

}
