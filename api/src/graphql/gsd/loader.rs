//! Batched loads for the directory.

use crate::graphql::loader::{keys, load_many, load_one};

keys! {
    SolutionKey;
    ExperienceKey;
    /// Solutions of a company.
    SolutionsOf;
    /// Industry, middleware and hardware tags of a solution.
    TagsOf;
    /// Customer experiences of a solution.
    ExperiencesOf;
    NominationsOf;
    ResponseCardsOf;
}

load_one!(SolutionKey => solutions.Id);
load_one!(ExperienceKey => customer_experiences.Id);
load_many!(SolutionsOf => solutions.CompanyId order Id);
load_many!(TagsOf => solution_tags.SolutionId order Value);
load_many!(ExperiencesOf => customer_experiences.SolutionId order Id);
load_many!(NominationsOf => validation_nominations.SolutionId order Id);
load_many!(ResponseCardsOf => response_cards.SolutionId order Id);
