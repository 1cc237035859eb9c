# FADA stage 3 for Cityscapes -> Cross-City Taipei: as
# fada_r101_cs2crosscity-rome-distill.py with the Taipei images and the
# pseudo labels of fada_r101_cs2crosscity-taipei.py.
_base_ = ['./fada_r101_cs2crosscity-rome-distill.py']
city = 'Taipei'
train_dataloader = dict(
    dataset=dict(
        city=city,
        data_prefix=dict(
            img_path=f'{city}/Images/Train',
            seg_map_path='pseudo_labels/fada_r101_cs2crosscity-taipei')))
val_dataloader = dict(dataset=dict(city=city))
test_dataloader = val_dataloader
