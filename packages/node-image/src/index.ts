export { buildNodeImage, type NodeImageBuildOptions, type NodeImageBuildResult, type NodeImageOutcome } from './build/node-image-build.ts';
export { makePlan, binarySteps, imageBinaries, CNI_DAEMON_BINARY, type BuildPlan, type BinaryStep } from './build/build-plan.ts';
export { buildSteps, savedImageName, type BuildStep } from './build/build-steps.ts';
export { ArtifactCache } from './build/artifact-cache.ts';
export { resolveNodeImage, kindestNodeImage, NodeImageMissingError, type NodeImageChoice, type NodeImageSource, type NodeImageOptions } from './resolve/node-image.ts';
export { nodeImageTag, pinHash, RECIPE_VERSION, NODE_IMAGE_REPOSITORY, type Pins } from './pins/pins.ts';
export { componentTags, componentRecipes, COMPONENTS, type Component, type RequestedImages } from './images/component-images.ts';
export { DockerCli } from './docker/docker-cli.ts';
